"""The graph as networks: ``projections`` (SPARQL → networkx, or a network file), ``analytics``
(centrality, communities, brokers; ``fastpaths`` for big networks), ``suggest`` (new partners with reasons)
and ``report`` (Markdown and HTML).

The projection functions are re-exported here, so ``citykg.network.project(kg, "countries")`` reads as
what it does.
"""

from .projections import node_named, project, read, rows, write

__all__ = ["project", "read", "write", "rows", "node_named"]
