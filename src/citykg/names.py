"""Every choice list a user picks from, in one place, so that the CLI, the library and the docs agree.

Plain tuples of strings and nothing else: the CLI builds its ``click.Choice`` options from them without
importing networkx, pyvis or pyoxigraph, and the library modules check their arguments against the same
names. Tests check that the library's own tables (metric descriptions, export formats) have these keys.
"""

from __future__ import annotations

__all__ = ["NETWORKS", "VIZ_NETWORKS", "METRICS", "BACKENDS", "TABLE_FORMATS", "STATS_FORMATS",
           "RDF_FORMAT_ALIASES", "RESULT_FORMATS", "GRAPH_RESULT_FORMATS", "QUERY_FORMATS", "RDF_EXPORT_FORMATS",
           "NETWORK_FILE_FORMATS", "EXPORT_FORMATS", "STATUSES", "LAYOUTS", "SIZE_METRICS", "COLOUR_BY"]

#: The projections of the graph into a network (queries/network-*.rq), the default first.
NETWORKS = ("municipalities", "countries", "actors", "sectors", "shared-sectors")
#: What ``citykg viz`` can draw: the projections, and ``full``, every party and event of the graph.
VIZ_NETWORKS = (*NETWORKS, "full")

#: Node metrics of ``citykg centrality``, in the order a table shows them.
METRICS = ("degree", "weighted_degree", "betweenness", "closeness", "harmonic", "eigenvector", "pagerank",
           "core", "constraint", "effective_size")
#: Libraries that may compute the shortest-path metrics (auto: igraph from 1,000 nodes).
BACKENDS = ("auto", "networkx", "igraph")
#: Output of the analytics commands.
TABLE_FORMATS = ("table", "md", "csv", "json")
#: Output of ``citykg stats``.
STATS_FORMATS = ("table", "json")

#: RDF format names as rdflib users type them (``Graph.serialize(format=…)``) → citykg's names. ``xml`` is
#: RDF/XML for a graph, but stays the SPARQL XML results format for a SELECT/ASK answer.
RDF_FORMAT_ALIASES = {"turtle": "ttl", "ntriples": "nt", "nt11": "nt", "n-triples": "nt", "nquads": "nq",
                      "n-quads": "nq", "json-ld": "jsonld", "xml": "rdfxml", "pretty-xml": "rdfxml"}

#: SPARQL results formats of a SELECT/ASK, and RDF formats of a CONSTRUCT/DESCRIBE (``citykg query``).
RESULT_FORMATS = ("csv", "tsv", "json", "xml")
GRAPH_RESULT_FORMATS = ("ttl", "nt", "jsonld", "rdfxml")
QUERY_FORMATS = ("table", *RESULT_FORMATS, *GRAPH_RESULT_FORMATS,
                 *(alias for alias, name in RDF_FORMAT_ALIASES.items()
                   if name in GRAPH_RESULT_FORMATS and alias not in RESULT_FORMATS))
#: ``citykg export``: the RDF of the store, or a network projection as a file for Gephi.
RDF_EXPORT_FORMATS = ("ttl", "nt", "trig", "nq", "jsonld", "rdfxml")
NETWORK_FILE_FORMATS = ("graphml", "gexf")
#: ``void``: the data set's VoID and DCAT description (Turtle), not the data itself.
EXPORT_FORMATS = (*RDF_EXPORT_FORMATS, "void", *NETWORK_FILE_FORMATS, *RDF_FORMAT_ALIASES)

#: ``--status`` values → the local names of the ckg: status concepts.
STATUSES = {"active": "Active", "exploring": "Exploring", "lapsed": "Lapsed", "renewal-planned": "RenewalPlanned",
            "ended": "Ended"}
#: ``citykg viz`` drawing choices.
LAYOUTS = ("force", "geo")
SIZE_METRICS = ("degree", "betweenness", "pagerank")
COLOUR_BY = ("kind", "country")
