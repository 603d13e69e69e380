"""The query catalogue: named SPARQL files in ``queries/``, each with a header that declares its
parameters, and the binding of user-given values to those parameters.

A catalogue file starts with comment lines::

    # title: Partners of a municipality
    # description: Every partner of the municipality, with its country and the partnership type.
    # param city: municipality = Bandung ; The municipality whose partners are listed.
    # sort: iris

``# sort: iris`` says the keys of the query's final ``ORDER BY ?a ?b …`` are IRIs, which the embedded store
then sorts in Python (citykg.query.ordering): same rows in the same order (ties aside), a fraction of
pyoxigraph's time.

Parameter kinds: municipality, country, sector, party (any municipality/organisation/country/person),
date (YYYY-MM-DD or ``today``), iri, text, integer.

Values reach the query as typed terms in a ``VALUES`` block put at the start of the query's outermost
``WHERE`` group (:func:`with_values`), written from each term's own N-Triples form, which pyoxigraph escapes
(a quote in a label becomes ``\"``): a typed value, never user text pasted into SPARQL. The same block
serves the embedded store and a remote endpoint (which has no substitutions). On the embedded store it
replaced pyoxigraph's ``substitutions``, which are applied only after the pattern has been evaluated:
``partners`` took 389 ms on the full graph that way and 4 ms with the block, which the join starts from. A
catalogue query uses its parameters in that outermost group (not only inside a sub-select), so both ways of
binding give the same answer; tests check this for every query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from ..errors import UsageError
from ..vocab import CKG, PREFIXES, XSD, compact

KINDS = ("municipality", "country", "sector", "party", "date", "iri", "text", "integer")
#: kind → the class whose instances a label may name.
LABELLED_KINDS = {"municipality": "Municipality", "country": "Country", "sector": "Sector", "party": "Party"}

_HEADER = re.compile(r"^#\s*(title|description|param|sort)\b:?\s*(.*)$")
_PARAM = re.compile(r"^(?P<name>\w+)\s*:\s*(?P<kind>\w+)\s*(?:=\s*(?P<default>[^;]*?))?\s*(?:;\s*(?P<doc>.*))?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class CatalogueQuery:
    """One ``.rq`` file: its name (the file stem), header and SPARQL text."""

    name: str
    title: str
    description: str
    sparql: str
    path: Path
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    #: the final ORDER BY sorts IRIs only (``# sort: iris``): the embedded store may sort in Python
    sorts_iris: bool = False

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise UsageError(f"Query {self.name!r} has no parameter {name!r} (its parameters: {known}).")


def load_query(path: Path) -> CatalogueQuery:
    """Read one catalogue file; a malformed header or a file that is not UTF-8 text is an error that
    names the file (and the line)."""
    text = _text_of(path)
    header: dict[str, str] = {}
    parameters: list[Parameter] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        key, value = match.groups()
        if key == "sort" and value.strip() != "iris":
            raise UsageError(f"{path}:{number}: '# sort:' takes one value, 'iris' (the ORDER BY keys are IRIs).")
        if key != "param":
            header[key] = value.strip()
            continue
        param = _PARAM.match(value.strip())
        if not param or param["kind"] not in KINDS:
            raise UsageError(f"{path}:{number}: a parameter is written '# param NAME: KIND [= DEFAULT] [; text]'"
                             f" with KIND one of {', '.join(KINDS)}.")
        parameters.append(Parameter(param["name"], param["kind"], param["default"] or None,
                                    (param["doc"] or "").strip()))
    if "title" not in header:
        raise UsageError(f"{path}:1: a catalogue query needs a '# title:' line.")
    return CatalogueQuery(path.stem, header["title"], header.get("description", ""), text, path,
                          tuple(parameters), "sort" in header)


def _text_of(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"{path}: cannot be read: {error.strerror or error}.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        raise UsageError(f"{path}:{line}:{column}: a catalogue query must be UTF-8 text; "
                         f"the byte 0x{data[error.start]:02x} is not.") from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise UsageError(f"{path}:{line}: a catalogue query must be text; this file holds NUL bytes "
                         "(a binary file?).")
    return text


def load_catalogue(folder: Path) -> dict[str, CatalogueQuery]:
    """Every ``*.rq`` file of a folder, by name."""
    return {query.name: query for query in map(load_query, sorted(folder.glob("*.rq")))}


def bind(query: CatalogueQuery, values: dict[str, str], resolve) -> dict[str, NamedNode | Literal]:
    """Turn the user's strings (and the defaults) into RDF terms for each parameter.

    ``resolve(kind_class_iri, label)`` returns the IRIs whose labels match, used for labelled kinds.
    """
    for name in values:
        query.parameter(name)  # unknown names are an error, not silently ignored
    bound: dict[str, NamedNode | Literal] = {}
    for parameter in query.parameters:
        raw = values.get(parameter.name, parameter.default)
        if raw is None:
            raise UsageError(f"Query {query.name!r} needs a value for {parameter.name!r} "
                             f"({parameter.kind}): --param {parameter.name}=…")
        bound[parameter.name] = to_term(parameter, raw, resolve)
    return bound


def to_term(parameter: Parameter, raw: str, resolve) -> NamedNode | Literal:
    """Check one value against its kind and make it a term."""
    kind = parameter.kind
    if kind == "date":
        if raw.strip().lower() == "today":
            import datetime

            raw = datetime.date.today().isoformat()
        if not _DATE.match(raw) or not _is_real_date(raw):
            raise UsageError(f"Parameter {parameter.name!r} takes a date written YYYY-MM-DD; {raw!r} is not one.")
        return Literal(raw, datatype=NamedNode(XSD + "date"))
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", raw):
            raise UsageError(f"Parameter {parameter.name!r} takes a whole number; {raw!r} is not one.")
        return Literal(raw, datatype=NamedNode(XSD + "integer"))
    if kind == "text":
        return Literal(raw)
    if kind == "iri":
        iri = expand(raw)
        if iri is None:
            raise UsageError(f"Parameter {parameter.name!r} takes an IRI (or prefix:name); {raw!r} is not one.")
        return iri
    matches = resolve(CKG + LABELLED_KINDS[kind], raw)  # KnowledgeGraph.resolve: an ambiguous name raises
    if not matches:
        raise UsageError(f"No {kind} is called {raw!r}.{_province_hint(kind, raw, resolve)}")
    return NamedNode(matches[0])


def _province_hint(kind: str, raw: str, resolve) -> str:
    """Where a municipality was asked for by a province's name ("East Java", which the lists name as a
    partner): the province's IRI, which every municipality parameter takes."""
    if kind != "municipality":
        return ""
    try:
        provinces = resolve(CKG + "Province", raw)
    except UsageError:  # several provinces of that name: the plain message
        return ""
    if len(provinces) != 1:
        return ""
    return f" {compact(provinces[0])} is a province of that name; give its IRI to use it here."


def expand(raw: str) -> NamedNode | None:
    """``<https://…>``, ``https://…`` or ``municipality:id-bandung`` → NamedNode; anything else → None."""
    text = raw.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and local and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    if not re.match(r"^[a-z][a-z0-9+.-]*://\S+$", text, re.I):
        return None
    try:
        return NamedNode(text)
    except ValueError:
        return None


#: What ``mask`` blanks out: comments, strings (long ones first) and IRIs, whose text is not SPARQL syntax.
_OPAQUE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                     r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*')
_WHERE = re.compile(r"(?<![\w?$:])WHERE\s*\{", re.IGNORECASE)


def mask(sparql: str) -> str:
    """The query with comments, string literals and IRIs replaced by spaces (same length), so that a
    keyword search finds only real keywords: ``"SERVICE"`` in a label or ``# WHERE`` in a comment is not
    one."""
    return _OPAQUE.sub(lambda match: " " * len(match.group()), sparql)


def with_values(sparql: str, bound: Mapping[str, NamedNode | Literal]) -> str:
    """The query with ``VALUES (?a ?b) { (term term) }`` opening its outermost WHERE group.

    Terms are written in their N-Triples form (``str()`` of a pyoxigraph term), which escapes quotes and
    backslashes and rejects malformed IRIs at construction, so a value cannot end the block early. The block
    goes on the line of the ``WHERE {``, so a syntax error's line number is still the file's.
    """
    if not bound:
        return sparql
    names = " ".join("?" + name for name in bound)
    terms = " ".join(str(term) for term in bound.values())
    return _open_where_with(sparql, " VALUES (" + names + ") { (" + terms + ") }")


def with_rows(sparql: str, variable: str, terms: Iterable[NamedNode | Literal]) -> str:
    """The query with ``VALUES ?variable { t1 t2 … }`` (a row per term) opening its outermost WHERE group:
    :func:`with_values` for many values of one variable, written the same safe way. Works on any SPARQL 1.1
    endpoint, unlike pyoxigraph's substitutions (which are also applied only after the pattern is evaluated)."""
    return _open_where_with(sparql, f" VALUES ?{variable} {{ {' '.join(str(term) for term in terms)} }}")


def _open_where_with(sparql: str, block: str) -> str:
    where = _where_opening(sparql)
    if where is None:
        raise UsageError("A query with parameters must have an explicit 'WHERE {' for its values to be bound.")
    return sparql[:where] + block + sparql[where:]


@lru_cache(maxsize=256)
def _where_opening(sparql: str) -> int | None:
    """Where the outermost WHERE group opens, found once per text: masking a query's strings and comments
    costs about 20 µs, paid by every query of an entity page otherwise."""
    where = _WHERE.search(mask(sparql))
    return None if where is None else where.end()


def prologue(prefixes: dict[str, str]) -> str:
    """``PREFIX`` lines for the prefixes citykg predeclares, for endpoints that know none of them."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())


def _is_real_date(text: str) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True
