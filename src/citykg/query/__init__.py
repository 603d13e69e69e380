"""Asking the graph: the named queries of queries/ and their parameters (``catalogue``), any SPARQL 1.1
endpoint in place of the store (``remote``), and results written as tables or SPARQL/RDF formats
(``render``)."""
