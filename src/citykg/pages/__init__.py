"""Linked Data and pages for every entity: RDF descriptions with provenance, HTML pages, the static
site, the map and the data set's VoID description (issue 14).

A library the server and ``citykg site`` call; it reads the graph through :class:`citykg.KnowledgeGraph`
and nothing above it, so the endpoint may import it.
"""

from __future__ import annotations

from .describe import describe, describe_ontology
from .negotiate import iri_for_path, negotiate
from .render import render_ontology, render_page, render_search, search
from .void import dataset_description

__all__ = ["describe", "describe_ontology", "negotiate", "iri_for_path", "render_page", "render_search",
           "render_ontology", "search", "dataset_description"]
