"""Parse the curated files into quads, stopping at the first syntax error with its exact position.

Ontology and reference files hold plain triples; each lands in a graph named after its file
(``graph/ontology/citykg``) so that every triple in the store has a provenance. Source files carry their
own named graphs, which the validation checks against the source they describe.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, parse

from ..errors import RdfSyntaxError
from ..project import CuratedFile
from ..vocab import graph_name_for

_FORMATS = {".ttl": RdfFormat.TURTLE, ".trig": RdfFormat.TRIG, ".nq": RdfFormat.N_QUADS,
            ".nt": RdfFormat.N_TRIPLES}
# pyoxigraph prefixes its messages with the position we already report as path:line:col.
_POSITION_PREFIX = re.compile(r"^Parser error (at|between) [^:]*: ")


@dataclass
class ParsedFile:
    """The quads of one file, with graph names as they will be stored."""

    file: CuratedFile
    display: str  # the path as messages show it
    quads: list[Quad]
    digest: str = ""  # SHA-256 of the bytes these quads were parsed from (the inference cache's key)


@dataclass
class ParsedDataset:
    """Everything parsed, plus an index from subject to the files that describe it (for messages)."""

    files: list[ParsedFile]
    subject_files: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @property
    def quads(self) -> Iterable[Quad]:
        for parsed in self.files:
            yield from parsed.quads

    def files_describing(self, subject: str) -> tuple[str, ...]:
        return tuple(sorted(self.subject_files.get(subject, ())))


def parse_file(file: CuratedFile, root: Path) -> ParsedFile:
    """Parse one curated file strictly (never ``lenient``) and place default-graph triples."""
    fmt = _FORMATS.get(file.path.suffix)
    shown = file.display(root)
    if fmt is None:
        raise RdfSyntaxError(shown, None, None, f"unknown RDF file extension {file.path.suffix!r}")
    default_target = None
    if file.kind != "sources" and file.kind != "imported":
        default_target = NamedNode(graph_name_for(file.kind, file.path.stem))
    try:
        data = file.path.read_bytes()  # read once: the cache key must be of the very bytes parsed
        quads = []
        for quad in parse(data, format=fmt, rename_blank_nodes=True):
            if default_target is not None and isinstance(quad.graph_name, DefaultGraph):
                quad = Quad(quad.subject, quad.predicate, quad.object, default_target)
            quads.append(quad)
    except SyntaxError as error:
        message = _POSITION_PREFIX.sub("", error.msg or str(error))
        raise RdfSyntaxError(shown, error.lineno, error.offset, message) from None
    except OSError as error:
        raise RdfSyntaxError(shown, None, None, f"cannot read the file: {error.strerror or error}") from None
    except MemoryError:  # pyoxigraph's "Reached the buffer maximal size of 16777216"
        raise RdfSyntaxError(shown, None, None, "a single term (a literal or an IRI) is longer than 16 MiB, the "
                             "parser's limit; is a closing quote or '>' missing?") from None
    return ParsedFile(file, shown, quads, hashlib.sha256(data).hexdigest())


def parse_files(files: list[CuratedFile], root: Path, on_file=None) -> ParsedDataset:
    """Parse every file in order; ``on_file`` is called after each one (progress reporting)."""
    dataset = ParsedDataset(files=[])
    for file in files:
        parsed = parse_file(file, root)
        dataset.files.append(parsed)
        for quad in parsed.quads:
            if isinstance(quad.subject, NamedNode):
                dataset.subject_files[quad.subject.value].add(parsed.display)
        if on_file is not None:
            on_file(file)
    return dataset
