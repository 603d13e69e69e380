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
from ..vocab import CKG, RDF, XSD, compact
from .emit import SourceInfo, Writer, country_iri, decimal_text, partnership_iri
from .exonyms import NewPlace, dominant, exonym_candidates, lookup_names, new_place
from .gazetteer import gazetteer, geonames_source
from .known import KnownGraph, read_known
from .names import parse_name, slug
from .report import ImportReport

#: A name-only match is refused when this many of the item's partners could have confirmed it and none did.
NAME_ONLY_EVIDENCE = 2
#: ... provided the graph knows at least this many partners of that place (else absence proves little).
PLACE_EVIDENCE = 3

__all__ = ["SOURCE", "OUTPUT", "import_wikidata", "read_statements", "read_names", "resolve_items"]

OUTPUT = Path("graph/imported/wikidata-p190.trig")
PLACES_OUTPUT = Path("graph/imported/geonames-places.trig")
_GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
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
    new: dict[str, NewPlace] = field(default_factory=dict)  # IRI of a new municipality → what GeoNames says
    ties: Counter[str] = field(default_factory=Counter)  # item → its pairs
    candidates: dict[str, set[str]] = field(default_factory=dict)  # item → municipalities of its name
    also: dict[str, str] = field(default_factory=dict)  # item → place whose pairs it adds, without owl:sameAs
    neighbours: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # item → partners


def resolve_items(names: dict[str, str], pairs: set[tuple[str, str]], known: KnownGraph,
                  report: ImportReport) -> Items:
    """Decide which known municipality each Wikidata item is (see the module docstring)."""
    items = Items()
    by_qid = {qid.removeprefix(WD): p.iri for p in known.places.values() for qid in p.wikidata}
    by_name: dict[str, set[str]] = defaultdict(set)
    for known_place in known.places.values():
        for name in known_place.names:
            by_name[slug(name)].add(known_place.iri)
    exonyms = exonym_candidates(names, known, gazetteer())
    candidates = {q: set().union(*(by_name.get(slug(w), set()) for w in lookup_names(n)), exonyms.get(q, set()))
                  for q, n in names.items()}
    for a, b in pairs:
        items.ties[a] += 1
        items.ties[b] += 1
        items.neighbours[a].add(b)
        items.neighbours[b].add(a)
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
        elif ranked and len(largest := _largest(names[qid], {c for c, n in ranked if n == ranked[0][1]}, known)) == 1:
            _decide(items, qid, next(iter(largest)), "name and partner")  # a tie GeoNames breaks ("Delhi")
        elif ranked:
            undecided.add(qid)
            report.note("Kept apart (unsure)", f"{qid} '{names[qid]}' matches several municipalities with "
                        f"shared partners: {', '.join(f'{compact(c)} ({n})' for c, n in ranked)}")
        else:
            _name_only(items, qid, names[qid], _largest(names[qid], candidates[qid], known), testable[qid], known,
                       undecided, report)
    _similar_names(items, names, pairs, known, undecided, report)
    _new_places(items, names, candidates, known, undecided)
    _one_item_per_place(items, names, support, report)
    items.candidates = candidates
    for qid, place in sorted(items.place.items()):
        if place in items.new:
            continue
        linked = known.places[place].wikidata
        if linked and WD + qid not in linked:
            del items.place[qid], items.how[qid]
            report.note("Kept apart (unsure)", f"{qid} '{names[qid]}' would be {compact(place)}, which the graph "
                        f"already links to {', '.join(sorted(compact(q) for q in linked))}")
    return items


def _name_only(items: Items, qid: str, name: str, candidates: set[str], testable: int, known: KnownGraph,
               undecided: set[str], report: ImportReport) -> None:
    """No partner decides: a name that fits one place is that place, unless the partners speak against it."""
    if len(candidates) != 1:
        return
    place = next(iter(candidates))
    if testable >= NAME_ONLY_EVIDENCE and len(known.partners.get(place, ())) >= PLACE_EVIDENCE:
        # The name fits one place, yet none of the item's partners that the graph knows is a partner of
        # that place, whose own partners the graph knows well: the same name in another country
        # ("Saint Petersburg", Florida, Q49236).
        undecided.add(qid)
        report.note("Kept apart (unsure)", f"{qid} '{name}' has the name of {compact(place)}, but none of its "
                    f"{testable} partners known to the graph is a partner of that place", ties=items.ties[qid])
        return
    _decide(items, qid, place, "name only")


def _largest(name: str, candidates: set[str], known: KnownGraph) -> set[str]:
    """Of several places of one name, the one GeoNames makes by far the largest ("Delhi"), if it is one of them."""
    if len(candidates) < 2:
        return candidates
    for written in lookup_names(name):
        place = dominant(gazetteer().named(written))
        if place is not None:
            fits = {c for c in candidates if known.places[c].iso2 == place.country
                    and any(slug(n) in place.keys for n in known.places[c].names)}
            return fits if len(fits) == 1 else candidates
    return candidates


def _decide(items: Items, qid: str, place: str, how: str) -> None:
    items.place[qid] = place
    items.how[qid] = how


def _new_places(items: Items, names: dict[str, str], candidates: dict[str, set[str]], known: KnownGraph,
                undecided: set[str]) -> None:
    """An item no known municipality has the name of, named as exactly one GeoNames place: a new municipality."""
    for qid in sorted(names):
        if qid in items.place or qid in undecided or candidates[qid]:
            continue
        found = new_place(names[qid], gazetteer(), known)
        if found is not None and found[1].country in known.countries:
            iri, place = found
            _decide(items, qid, iri, "GeoNames place")
            items.new[iri] = place


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


def _one_item_per_place(items: Items, names: dict[str, str], support: dict[str, Counter[str]],
                        report: ImportReport) -> None:
    """Two items on one place would make them owl:sameAs each other: link only the surest one.

    Wikidata often states twinnings on both a town's item and its municipality's ("Vejle" and "Vejle
    Kommune"): a losing item whose own partners include a known partner of the place (for a place new from
    GeoNames: a partner of the linked item) still adds its pairs to the place, without ``owl:sameAs``. One
    sharing no partner (a state named like its capital), or twinned with the linked item, adds none.
    """
    rank = {"Wikidata id": 0, "name and partner": 1, "name only": 2, "similar name and partner": 3,
            "GeoNames place": 4}
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
            if qids[0] in losers or qids[0] in items.neighbours[qid]:
                continue  # two places of one name twinned with each other (Mérida, Spain and Mexico)
            if support[qid].get(place, 0) >= 1 or (place in items.new
                                                   and items.neighbours[qid] & items.neighbours[qids[0]]):
                items.also[qid] = place
        added = [q for q in losers if q in items.also]
        also = f"; the pairs of {', '.join(added)} (sharing a partner) are added" if added else ""
        report.note("Kept apart (unsure)", f"{compact(place)} is claimed by several items: "
                    f"{', '.join(f'{q} {names[q]!r}' for q in qids)}; only {qids[0] if qids[0] not in losers else '-'}"
                    f" is linked{also}", ties=sum(items.ties[q] for q in qids))


def import_wikidata(project: Project, relations: Path, names_path: Path,
                    output: Path | None = None) -> ImportReport:
    """Read both TSV files, resolve against the project's graph, write the TriG; return the report."""
    report = ImportReport(f"Import of {relations.name} and {names_path.name} (Wikidata P190)")
    statements = read_statements(relations, report)
    names = read_names(names_path, report)
    target = project.root / (output or OUTPUT)
    known = read_known(project, ("reference", "sources", "imported"), skip=(target, project.root / PLACES_OUTPUT))
    pairs: set[tuple[str, str]] = set()
    for line, a, b in statements:
        missing = [q for q in (a, b) if q not in names]
        if missing:
            report.bad(line, "unknown Wikidata id", f"{a}\t{b}")
            continue
        pairs.add((min(a, b), max(a, b)))
    report.counts["undirected pairs"] = len(pairs)
    items = resolve_items(names, pairs, known, report)
    _drop_untied_new_places(items, pairs)
    triples = _write(target, items, names, pairs, known, report)
    report.counts["triples written"] = triples
    report.counts["triples written (GeoNames places)"] = _write_new_places(project.root / PLACES_OUTPUT, items)
    report.outputs = [str(target.relative_to(project.root)), str(PLACES_OUTPUT)]
    return report


def _write(target: Path, items: Items, names: dict[str, str], pairs: set[tuple[str, str]],
           known: KnownGraph, report: ImportReport) -> int:
    writer = Writer(SOURCE)
    for qid, place in items.place.items():
        writer.same_as(place, qid)
        if place in items.new:
            if names[qid] != items.new[place].name:
                writer.text(place, CKG + "nameInSource", names[qid])
        elif names[qid] not in known.places[place].names:
            writer.text(place, CKG + "nameInSource", names[qid])
    _review(items, names, report)
    for how, count in sorted(Counter(items.how.values()).items()):
        report.counts[f"items resolved ({how})"] = count
    unresolved = sorted(set(names) - set(items.place) - set(items.also), key=lambda q: int(q[1:]))
    report.counts["items adding their pairs to a place another item is linked to"] = len(items.also)
    report.counts["items unresolved (left out)"] = len(unresolved)
    for qid in unresolved:
        found = items.candidates.get(qid) or set()
        why = (f": its name fits {', '.join(sorted(compact(c) for c in found))}; none was chosen (see 'Kept "
               "apart (unsure)')" if found else "")
        report.note("Items left out (no known municipality)", f"{qid} '{names[qid]}'{why}", ties=items.ties[qid])
    new = present = left = 0
    where = {**items.also, **items.place}
    for a, b in sorted(pairs):
        if a not in where or b not in where or where[a] == where[b]:
            left += 1
            continue
        pa, pb = sorted((where[a], where[b]))  # one label whichever item pair states it
        iri = partnership_iri(pa, pb)
        if iri in known.partnership_types:
            present += 1
        else:
            new += 1
        label = f"{_label(pa, known, items)}–{_label(pb, known, items)} sister cities"
        writer.partnership(min(pa, pb), max(pa, pb), label, known.partnership_types.get(iri),
                           iri in known.labelled_partnerships)
    report.counts.update({"pairs already in the graph (corroborated)": present, "pairs new to the graph": new,
                          "pairs left out (an end unresolved)": left})
    return writer.write(target, ["Generated by 'citykg import wikidata-p190'; do not edit by hand.",
                                 "What was resolved or left out: 'citykg import wikidata-p190 … --report FILE'."])


def _drop_untied_new_places(items: Items, pairs: set[tuple[str, str]]) -> None:
    """A municipality made from GeoNames only for its ties: none whose every partner stayed unresolved."""
    where = {**items.also, **items.place}
    tied = {where[q] for a, b in pairs if a in where and b in where and where[a] != where[b] for q in (a, b)}
    for qid, place in sorted(items.place.items()):
        if place in items.new and place not in tied:
            del items.place[qid], items.how[qid]


def _review(items: Items, names: dict[str, str], report: ImportReport) -> None:
    """List the weakest links for a curator, with the ties resting on each."""
    for qid, place in sorted(items.place.items(), key=lambda item: int(item[0][1:])):
        if items.how[qid] == "name only":
            report.note("Resolved by name only (check these)", f"{qid} '{names[qid]}' → {compact(place)}: the only "
                        "place of that name in the graph; no partner confirms or contradicts it", ties=items.ties[qid])
        elif items.how[qid] == "GeoNames place":
            report.note("New municipalities from GeoNames (check these)",
                        f"{qid} '{names[qid]}' → {compact(place)}: {items.new[place].evidence}", ties=items.ties[qid])


def _write_new_places(target: Path, items: Items) -> int:
    """The GeoNames facts of the municipalities made for items the graph did not know."""
    writer = Writer(geonames_source("places"))
    for iri in sorted(set(items.place.values()) & set(items.new)):
        found = items.new[iri]
        writer.add(iri, RDF + "type", CKG + "Municipality")
        writer.label(iri, found.name)
        writer.add(iri, CKG + "inCountry", country_iri(found.country))
        if found.place is not None:
            writer.decimal(iri, _GEO + "lat", decimal_text(repr(found.place.lat), -90, 90) or "0.0")
            writer.decimal(iri, _GEO + "long", decimal_text(repr(found.place.long), -180, 180) or "0.0")
    return writer.write(target, ["Municipalities named by Wikidata P190 items that only GeoNames places: their "
                                 "country and (for one place) position.",
                                 "Generated by 'citykg import wikidata-p190'; do not edit by hand."])


def _label(iri: str, known: KnownGraph, items: Items | None = None) -> str:
    if items is not None and iri in items.new:
        return items.new[iri].name
    place = known.places[iri]
    return place.label or sorted(place.names)[0]
