"""The interactive HTML network: ``draw`` selects, lays out and writes the page; ``page`` builds the pyvis
network and the page's data; ``style`` holds colours, sizes and legends; ``data`` the SPARQL of the full
network and of the facts behind each node; ``templates/`` the page and its queries."""

from .draw import PHYSICS_LIMIT, Selection, VizResult, select, visualise

__all__ = ["PHYSICS_LIMIT", "Selection", "VizResult", "select", "visualise"]
