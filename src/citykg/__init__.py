"""citykg: a knowledge graph of city diplomacy, each fact traced to the source that reports it."""

from __future__ import annotations

from .errors import CityKGError, QueryError, RdfSyntaxError, StoreError, UsageError, ValidationError
from .kg import KnowledgeGraph

__version__ = "0.1.0"
__all__ = ["KnowledgeGraph", "CityKGError", "QueryError", "RdfSyntaxError", "StoreError", "UsageError",
           "ValidationError", "__version__"]
