"""Inference file by file, with each file's result cached by content hash (issue 10.6).

Every rule of citykg.build.infer but one joins one data triple with the schema, which lives in
``ontology/``. So, as long as no other file adds to the schema, inferring over the whole graph gives the union
of inferring over the ontology plus each file alone, and a file's result depends only on its own bytes and
the ontology's: it is cached under a hash of both, so a rebuild after editing one curated file infers only
that file. The one rule that joins data with data, ``ckg:partnerOf`` between the partners of a partnership
(which several sources may state, 19,000 of them in two imported files), is computed over all files at
once, in Python, which takes a fraction of a second. If a data file states a schema triple, the whole graph
is inferred at once, as before.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize

from ..vocab import CKG, INFERRED_GRAPH, RDFS, SKOS
from .infer import RULES, infer
from .parse import ParsedFile

#: Predicates that belong to the schema: a data file that states one makes file-by-file inference unsound.
SCHEMA_PREDICATES = frozenset({RDFS + "subClassOf", RDFS + "subPropertyOf", SKOS + "broader",
                               SKOS + "topConceptOf"})
_PARTNER = CKG + "partner"
Term = NamedNode | BlankNode | Literal | Triple
_PARTNERS_RULE = "partners of one partnership"
_LOCAL_RULES = tuple(name for name in RULES if name != _PARTNERS_RULE)
#: Changes whenever the rules or this scheme change, so that no stale result is reused.
_SALT = hashlib.sha256(("\n".join(RULES.values()) + "\nv1").encode()).hexdigest()


def infer_files(files: list[ParsedFile], cache: Path | None) -> list[Quad]:
    """The inferred quads for all ``files``, equal to ``infer(all their quads)``; ``cache`` (a folder, made
    if needed) keeps one result per data file, and is pruned to the files of this build."""
    schema = [parsed for parsed in files if parsed.file.kind == "ontology"]
    data = [parsed for parsed in files if parsed.file.kind != "ontology"]
    asserted = [q for parsed in files for q in parsed.quads]
    if cache is None or not _separable(data):
        return infer(asserted)
    schema_quads = [q for parsed in schema for q in parsed.quads]
    schema_key = _digest(_SALT, *(_file_bytes(parsed) for parsed in schema))
    cache.mkdir(parents=True, exist_ok=True)
    found: dict[Quad, None] = {}
    used: set[str] = set()
    for parsed in data:
        entry = cache / f"{_digest(schema_key, _file_bytes(parsed))}.nq"
        used.add(entry.name)
        found.update(dict.fromkeys(_cached(entry, schema_quads + parsed.quads)))
    if not data:
        found.update(dict.fromkeys(infer(schema_quads, _LOCAL_RULES)))
    found.update(dict.fromkeys(partners_of_one_partnership(asserted)))
    for stale in cache.glob("*.nq"):
        if stale.name not in used:
            stale.unlink(missing_ok=True)
    # A file's own result leaves out what that file asserts; what another file asserts is left out here
    # (only asserted triples with a predicate some inference has can be among them).
    predicates = {q.predicate for q in found}
    stated = {q.triple for q in asserted if q.predicate in predicates}
    return [q for q in found if q.triple not in stated]


def _separable(data: list[ParsedFile]) -> bool:
    """No schema triple outside ontology/."""
    return not any(q.predicate.value in SCHEMA_PREDICATES for parsed in data for q in parsed.quads)


def partners_of_one_partnership(quads: list[Quad]) -> list[Quad]:
    """The ``ckg:partnerOf`` rule of citykg.build.infer (``?p ckg:partner ?a , ?b . FILTER(?a != ?b)``, over
    the union of all graphs), without a store: each pair of distinct partners of a subject, both ways."""
    partners: dict[NamedNode | BlankNode | Triple, dict[Term, None]] = {}
    for quad in quads:
        if quad.predicate.value == _PARTNER:
            partners.setdefault(quad.subject, {})[quad.object] = None
    graph = NamedNode(INFERRED_GRAPH)
    partner_of = NamedNode(CKG + "partnerOf")
    return [Quad(a, partner_of, b, graph) for group in partners.values() for a in group for b in group
            if a != b and not isinstance(a, Literal)]  # type: ignore[arg-type]  # a literal is left out


def _cached(entry: Path, quads: list[Quad]) -> list[Quad]:
    if entry.is_file():
        try:
            return list(parse(path=entry, format=RdfFormat.N_QUADS))
        except (SyntaxError, OSError):
            entry.unlink(missing_ok=True)  # a damaged entry is computed again
    inferred = infer(quads, _LOCAL_RULES)
    temporary = entry.with_suffix(".tmp")
    serialize(inferred, str(temporary), RdfFormat.N_QUADS)
    temporary.replace(entry)  # a build killed while writing leaves no half entry
    return inferred


def _file_bytes(parsed: ParsedFile) -> str | bytes:
    """What identifies a file's content: the digest of the bytes it was parsed from (never a second read,
    which could see an edit made during the build)."""
    return parsed.digest or parsed.file.path.read_bytes()


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
