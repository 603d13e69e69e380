"""Stage 1, the build: curated text files → a validated, inferred, on-disk Oxigraph store.

``parse`` reads ontology/ and graph/ strictly, ``validate`` holds them to the SHACL shapes (``shapes`` is
the engine) and the curation rules, ``infer`` materialises the few entailments queries rely on, and
``pipeline`` runs the stages and swaps the new store in only when all of them succeeded.
"""

from .pipeline import BuildReport, Progress, build, check

__all__ = ["BuildReport", "Progress", "build", "check"]
