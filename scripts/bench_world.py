"""A sample of imported municipalities for a curator to judge (issue 12): wrong merges, missed merges, wrong country.

    python scripts/bench_world.py [--imported DIR] [--size 200] [--seed 12] > sample.txt

Reads the TriG files of ``DIR`` (default graph/imported/) with the reference graph, draws ``--size``
imported municipalities with a fixed seed, and prints for each its name, country, position, every partner
(name and country) and the sources stating it. It also counts, over *all* imported municipalities, the
positions that lie outside their country by the importer's own test (citykg.importers.positions), so that
figure needs no judgement. Point ``--imported`` at an older copy of the folder to judge "before".
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from pathlib import Path

from pyoxigraph import QuerySolutions, RdfFormat, Store

from citykg.importers.gazetteer import gazetteer
from citykg.importers.positions import check_position

ROOT = Path(__file__).resolve().parent.parent
_NODES = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?m ?label ?iso2 ?lat ?long ?province ?same WHERE {
  ?m a ckg:Municipality ; rdfs:label ?label ; ckg:inCountry/ckg:iso2 ?iso2 .
  OPTIONAL { ?m geo:lat ?lat ; geo:long ?long }
  OPTIONAL { ?m ckg:inProvince/rdfs:label ?province }
  OPTIONAL { ?m owl:sameAs ?same }
}"""
_PROVINCES = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?p ckg:partner ?m . ?m a ckg:Province }"""
_PARTNERS = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
SELECT ?a ?b ?g WHERE { GRAPH ?g { ?p ckg:partner ?a , ?b FILTER(?a != ?b) } }"""


def _load(imported: Path) -> Store:
    store = Store()
    for path in sorted((ROOT / "graph" / "reference").glob("*.trig")) + sorted(imported.glob("*.trig")):
        store.bulk_load(path=path, format=RdfFormat.TRIG)
    return store


def _select(store: Store, query: str) -> QuerySolutions:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, QuerySolutions)
    return solutions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imported", type=Path, default=ROOT / "graph" / "imported")
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    store = _load(args.imported)
    nodes: dict[str, dict] = {}
    for row in _select(store, _NODES):
        node = nodes.setdefault(row["m"].value, {"labels": set(), "iso2": row["iso2"].value, "pos": None,
                                                 "province": None, "items": set()})
        node["labels"].add(row["label"].value)
        if row["same"] is not None:
            node["items"].add(row["same"].value.rsplit("/", 1)[1])
        if row["province"] is not None:
            node["province"] = row["province"].value
        if row["lat"] is not None:
            node["pos"] = (float(row["lat"].value), float(row["long"].value))
    partners: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _select(store, _PARTNERS):
        partners[row["a"].value][row["b"].value].add(row["g"].value.rsplit("/", 1)[1])
    outside = [iri for iri, node in sorted(nodes.items()) if node["pos"] is not None
               and check_position(gazetteer(), node["iso2"], sorted(node["labels"]), *node["pos"]) is not None]
    sample = random.Random(args.seed).sample(sorted(nodes), min(args.size, len(nodes)))
    provinces = next(iter(_select(store, _PROVINCES)))["n"].value
    print(f"# {len(nodes):,} municipalities, {len(outside):,} with a position outside their country, {provinces} "
          f"provinces that are partners; sample of {len(sample)} (seed {args.seed}) from {args.imported}")
    for number, iri in enumerate(sample, start=1):
        node = nodes[iri]
        position = "no position" if node["pos"] is None else f"{node['pos'][0]:.4f}, {node['pos'][1]:.4f}"
        flag = "  OUTSIDE ITS COUNTRY" if iri in outside else ""
        where = f"{node['province']}, {node['iso2']}" if node["province"] else node["iso2"]
        items = f" [{', '.join(sorted(node['items'], key=lambda q: int(q[1:])))}]" if node["items"] else ""
        print(f"\n{number}. {iri.rsplit('/', 1)[1]}: {' / '.join(sorted(node['labels']))} ({where}), "
              f"{position}{items}{flag}")
        for other, graphs in sorted(partners[iri].items()):
            known = nodes.get(other)
            name = " / ".join(sorted(known["labels"])) if known else other.rsplit("/", 1)[1]
            where = known["iso2"] if known else "?"
            print(f"   - {name} ({where}) [{', '.join(sorted(graphs))}]")


if __name__ == "__main__":
    main()
