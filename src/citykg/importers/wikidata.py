"""Import a crawl of Wikidata's P190 ("twinned administrative body") statements as TriG.

The input (L3viathan/sister-cities, 2016) is two TSV files: ``Qsubject<TAB>Qobject`` statements and
``Qid<TAB>name``. It gives no country and no coordinates, and its names are in several languages
("Taipeh", "Sankt Petersburg"), so an item can only join the graph through a municipality the graph
already has (curated, or imported from Wikipedia's lists). In order of certainty:

1. the Wikidata id itself: a curated municipality with ``owl:sameAs wd:Q…``;
2. its name matches known municipalities (same slug) and its P190 statements match known partnerships
   of one of them, at least twice as often as of any other ("name and partner");
3. its name matches exactly one known municipality, in any country ("name only");
4. it is unresolved, but among the known partners of the places its statements resolved to, exactly one
   has a similar name (difflib ratio ≥ 0.8: "Taipeh" ~ "Taipei"), listed one by one in the report.

Everything else stays out of the graph, counted and listed: without a country an item cannot be a valid
``ckg:Municipality``. Statements are undirected pairs (98% come with their reverse). Resolved items get
``owl:sameAs wd:Q…``; a pair of resolved items becomes a SisterCity partnership in this source's graph.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from ..errors import UsageError
from ..project import Project
from ..vocab import CKG, XSD, compact
from .emit import SourceInfo, Writer, partnership_iri
from .known import KnownGraph, read_known
from .names import parse_name, slug
from .report import ImportReport

#: A name-only match is refused when this many of the item's partners could have confirmed it and none did.
NAME_ONLY_EVIDENCE = 2

__all__ = ["SOURCE", "OUTPUT", "import_wikidata", "read_statements", "read_names", "resolve_items"]

OUTPUT = Path("graph/imported/wikidata-p190.trig")
WD = "http://www.wikidata.org/entity/"
SIMILAR = 0.8
_QID = re.compile(r"^Q[1-9][0-9]*$")

SOURCE = SourceInfo(
    slug="l3viathan-wikidata-p190-2016-09",
    label="Wikidata P190 (twinned administrative body) statements, crawled from Weimar in September 2016 "
          "(L3viathan/sister-cities)",
    language="mul",
    issued=Literal("2016-09", datatype=NamedNode(XSD + "gYearMonth")),
    creators=("L3viathan",),
    licenses=("https://creativecommons.org/publicdomain/zero/1.0/",),
    derived_from=("http://www.wikidata.org/prop/direct/P190",),
    comment="Imported by 'citykg import wikidata-p190'. Wikidata content is CC0. Names are Wikidata labels "
            "in several languages; an item joins the graph only where it resolves to a known municipality "
            "(see docs/import.md).",
)


def read_statements(path: Path, report: ImportReport) -> list[tuple[int, str, str]]:
    """``(line, Qa, Qb)`` for each well-formed statement; others are bad rows."""
    statements = []
    for line, text in _lines(path):
        parts = text.split("\t")
        if len(parts) != 2 or not all(_QID.match(p.strip()) for p in parts):
            report.bad(line, "malformed line", text)
            continue
        a, b = (p.strip() for p in parts)
        if a == b:
            report.bad(line, "city paired with itself", text)
            continue
        statements.append((line, a, b))
    report.counts["statements read"] = len(statements)
    return statements


def read_names(path: Path, report: ImportReport) -> dict[str, str]:
    names: dict[str, str] = {}
    for line, text in _lines(path):
        qid, sep, name = text.partition("\t")
        if not sep or not _QID.match(qid.strip()) or not name.strip():
            report.bad(line, "malformed line", text)
            continue
        names[qid.strip()] = name.strip()
    report.counts["named items"] = len(names)
    return names


def _lines(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"Cannot read {path}: {error.strerror or error}.") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text.") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


@dataclass
class Items:
    """Resolution state: item → place IRI, and how it was decided."""

    place: dict[str, str] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)


def resolve_items(names: dict[str, str], pairs: set[tuple[str, str]], known: KnownGraph,
                  report: ImportReport) -> Items:
    """Decide which known municipality each Wikidata item is (see the module docstring)."""
    items = Items()
    by_qid = {qid.removeprefix(WD): p.iri for p in known.places.values() for qid in p.wikidata}
    by_name: dict[str, set[str]] = defaultdict(set)
    for known_place in known.places.values():
        for name in known_place.names:
            by_name[slug(name)].add(known_place.iri)
    candidates = {q: by_name.get(slug(n), set()) for q, n in names.items()}
    support: dict[str, Counter[str]] = defaultdict(Counter)
    testable: Counter[str] = Counter()  # partners whose name the graph knows: evidence for or against
    for a, b in pairs:
        testable[a] += bool(candidates.get(b))
        testable[b] += bool(candidates.get(a))
        for ca in candidates.get(a, ()):
            for cb in candidates.get(b, set()) & known.partners.get(ca, set()):
                support[a][ca] += 1
                support[b][cb] += 1
    undecided: set[str] = set()
    for qid in sorted(names):
        ranked = sorted(support[qid].items(), key=lambda item: (-item[1], item[0]))
        if qid in by_qid:
            _decide(items, qid, by_qid[qid], "Wikidata id")
        elif len(ranked) == 1 or (ranked and ranked[0][1] >= 2 * ranked[1][1]):
            _decide(items, qid, ranked[0][0], "name and partner")
        elif ranked:
            undecided.add(qid)
            report.note("Kept apart (unsure)", f"{qid} '{names[qid]}' matches several municipalities with "
                        f"shared partners: {', '.join(f'{compact(c)} ({n})' for c, n in ranked)}")
        elif len(candidates[qid]) == 1 and testable[qid] >= NAME_ONLY_EVIDENCE:
            # The name fits one place, yet none of the item's partners that the graph knows is a partner of
            # that place: the same name in another country ("Saint Petersburg", Florida, Q49236).
            undecided.add(qid)
            report.note("Kept apart (unsure)", f"{qid} '{names[qid]}' has the name of "
                        f"{compact(next(iter(candidates[qid])))}, but none of its {testable[qid]} partners known to "
                        "the graph is a partner of that place")
        elif len(candidates[qid]) == 1:
            _decide(items, qid, next(iter(candidates[qid])), "name only")
    _similar_names(items, names, pairs, known, undecided, report)
    _one_item_per_place(items, names, report)
    for qid, place in sorted(items.place.items()):
        linked = known.places[place].wikidata
        if linked and WD + qid not in linked:
            del items.place[qid], items.how[qid]
            report.note("Kept apart (unsure)", f"{qid} '{names[qid]}' would be {compact(place)}, which the graph "
                        f"already links to {', '.join(sorted(compact(q) for q in linked))}")
    return items


def _decide(items: Items, qid: str, place: str, how: str) -> None:
    items.place[qid] = place
    items.how[qid] = how


def _similar_names(items: Items, names: dict[str, str], pairs: set[tuple[str, str]], known: KnownGraph,
                   undecided: set[str], report: ImportReport) -> None:
    """Rule 4: an unresolved item whose resolved partners have exactly one similarly named partner."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        neighbours[a].add(b)
        neighbours[b].add(a)
    taken = set(items.place.values())
    labels = {p.iri: p.names for p in known.places.values()}
    for qid in sorted(q for q in names if q not in items.place and q not in undecided):
        nearby = {c for n in neighbours[qid] if n in items.place for c in known.partners.get(items.place[n], ())}
        key = slug(parse_name(names[qid]).base)
        similar = {c for c in nearby - taken if c in labels and any(
            SequenceMatcher(None, key, slug(parse_name(name).base)).ratio() >= SIMILAR for name in labels[c])}
        if len(similar) == 1:
            place = similar.pop()
            _decide(items, qid, place, "similar name and partner")
            report.note("Resolved by a similar name and a shared partner (check these)",
                        f"{qid} '{names[qid]}' → {compact(place)}")


def _one_item_per_place(items: Items, names: dict[str, str], report: ImportReport) -> None:
    """Two items on one place would make them owl:sameAs each other: keep only the surest one."""
    rank = {"Wikidata id": 0, "name and partner": 1, "name only": 2, "similar name and partner": 3}
    claims: dict[str, list[str]] = defaultdict(list)
    for qid, place in items.place.items():
        claims[place].append(qid)
    for place, qids in claims.items():
        if len(qids) < 2:
            continue
        qids.sort(key=lambda q: (rank[items.how[q]], int(q[1:])))
        best = rank[items.how[qids[0]]]
        losers = [q for q in qids if rank[items.how[q]] > best] or qids[1:]
        keep = [q for q in qids if q not in losers]
        if len(keep) > 1:
            losers += keep[1:]
        for qid in losers:
            del items.place[qid], items.how[qid]
        report.note("Kept apart (unsure)", f"{compact(place)} is claimed by several items: "
                    f"{', '.join(f'{q} {names[q]!r}' for q in qids)}; only {qids[0] if qids[0] not in losers else '-'}"
                    " is linked")


def import_wikidata(project: Project, relations: Path, names_path: Path,
                    output: Path | None = None) -> ImportReport:
    """Read both TSV files, resolve against the project's graph, write the TriG; return the report."""
    report = ImportReport(f"Import of {relations.name} and {names_path.name} (Wikidata P190)")
    statements = read_statements(relations, report)
    names = read_names(names_path, report)
    target = project.root / (output or OUTPUT)
    known = read_known(project, ("reference", "sources", "imported"), skip=(target,))
    pairs: set[tuple[str, str]] = set()
    for line, a, b in statements:
        missing = [q for q in (a, b) if q not in names]
        if missing:
            report.bad(line, "unknown Wikidata id", f"{a}\t{b}")
            continue
        pairs.add((min(a, b), max(a, b)))
    report.counts["undirected pairs"] = len(pairs)
    items = resolve_items(names, pairs, known, report)
    triples = _write(target, items, names, pairs, known, report)
    report.counts["triples written"] = triples
    report.outputs = [str(target.relative_to(project.root))]
    return report


def _write(target: Path, items: Items, names: dict[str, str], pairs: set[tuple[str, str]],
           known: KnownGraph, report: ImportReport) -> int:
    writer = Writer(SOURCE)
    for qid, place in items.place.items():
        writer.same_as(place, qid)
        if names[qid] not in known.places[place].names:
            writer.text(place, CKG + "nameInSource", names[qid])
    for how, count in sorted(Counter(items.how.values()).items()):
        report.counts[f"items resolved ({how})"] = count
    unresolved = sorted(set(names) - set(items.place), key=lambda q: int(q[1:]))
    report.counts["items unresolved (left out)"] = len(unresolved)
    for qid in unresolved:
        report.note("Items left out (no known municipality)", f"{qid} '{names[qid]}'")
    new = present = left = 0
    for a, b in sorted(pairs):
        if a not in items.place or b not in items.place or items.place[a] == items.place[b]:
            left += 1
            continue
        pa, pb = items.place[a], items.place[b]
        iri = partnership_iri(pa, pb)
        if iri in known.partnership_types:
            present += 1
        else:
            new += 1
        label = f"{_label(pa, known)}–{_label(pb, known)} sister cities"
        writer.partnership(min(pa, pb), max(pa, pb), label, known.partnership_types.get(iri),
                           iri in known.labelled_partnerships)
    report.counts.update({"pairs already in the graph (corroborated)": present, "pairs new to the graph": new,
                          "pairs left out (an end unresolved)": left})
    return writer.write(target, ["Generated by 'citykg import wikidata-p190'; do not edit by hand.",
                                 "What was resolved or left out: 'citykg import wikidata-p190 … --report FILE'."])


def _label(iri: str, known: KnownGraph) -> str:
    place = known.places[iri]
    return place.label or sorted(place.names)[0]
