"""Import Erik Hekman's twin-city CSV (scraped from English Wikipedia's twin-town lists) as TriG.

Accepts both files of the data set: ``twin_cities_raw.csv`` (``city1,country1,city2,country2``) and the
geocoded one (``…,lat1,lng1,…,lat2,lng2``). Every row is either imported or listed in the report with
its reason (missing city or country, unknown country, unparseable coordinates, a city paired with
itself); rows with bad coordinates still give their pair, without the coordinates.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from ..errors import UsageError
from ..project import Project
from ..vocab import CKG, RDF, XSD, compact
from .countries import country_code, country_label
from .emit import SourceInfo, Writer, country_iri, decimal_text, partnership_iri
from .gazetteer import gazetteer, geonames_source
from .homonyms import split_item_towns
from .known import KnownGraph, read_known
from .levels import subdivision_of_admin1
from .merges import merge_written_twice
from .names import parse_name, slug
from .positions import check_position, in_state, place_in_state
from .provinces import PROVINCES, Provinces, retype_provinces
from .report import ImportReport
from .resolve import Entity, Mention, Resolution, Row, resolve
from .sections import admin1_names, read_sections
from .splits import read_evidence, split_homonyms
from .states import split_by_state
from .variants import merge_spellings

__all__ = ["SOURCE", "COUNTRIES_SOURCE", "PROVINCES", "import_hekman", "read_rows", "OUTPUT", "COUNTRIES_OUTPUT"]

OUTPUT = Path("graph/imported/hekman-twin-cities.trig")
COUNTRIES_OUTPUT = Path("graph/imported/countries.trig")
POSITIONS_OUTPUT = Path("graph/imported/geonames-positions.trig")
_GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
_WIKIPEDIA = "https://en.wikipedia.org/wiki/List_of_twin_towns_and_sister_cities_in_"

SOURCE = SourceInfo(
    slug="hekman-twin-cities-2026",
    title="Twin Cities",
    label="Twin Cities: sister-city pairs scraped from English Wikipedia's lists of twin towns and sister "
          "cities, geocoded (Erik Hekman, 2026)",
    language="en",
    issued=Literal("2026", datatype=NamedNode(XSD + "gYear")),
    creators=("Erik Hekman",),
    licenses=("https://spdx.org/licenses/MIT.html", "https://creativecommons.org/licenses/by-sa/4.0/"),
    derived_from=tuple(_WIKIPEDIA + part for part in ("Africa", "Asia", "Europe", "North_America",
                                                      "Oceania", "South_America")),
    comment="Imported by 'citykg import hekman'. The scraper and its CSV files are MIT-licensed; the "
            "facts come from English Wikipedia (CC BY-SA 4.0). Each row is one listed pair; a pair listed "
            "on both countries' pages is one partnership.",
)

COUNTRIES_SOURCE = SourceInfo(
    slug="iso-3166-1",
    title="ISO 3166-1: Codes for the representation of names of countries",
    label="ISO 3166-1 country codes and English short names, as packaged by pycountry",
    language="en",
    issued=Literal("2020", datatype=NamedNode(XSD + "gYear")),
    creators=("ISO 3166 Maintenance Agency",),
    licenses=("https://spdx.org/licenses/LGPL-2.1-only.html",),
    comment="Countries the imported data sets name that the curated reference graph does not describe; "
            "written by 'citykg import hekman'. Kosovo uses the user-assigned code XK.",
)


def read_rows(path: Path, report: ImportReport, coordinates: Path | None = None) -> list[Row]:
    """Parse the CSV; every row becomes a :class:`Row` or a bad row in ``report``.

    ``coordinates``: a geocoded CSV of the same data set, whose lat/lng fill in the rows of a file that
    has none (the raw file lists 197 pairs the geocoded one dropped).
    """
    known = _coordinate_table(coordinates) if coordinates else {}
    rows = []
    count = 0
    for line, record in _records(path):
        count += 1
        text = ",".join(value or "" for value in record.values() if not isinstance(value, list))
        for side in "12":
            if not record.get(f"lat{side}") and (record.get(f"city{side}"), record.get(f"country{side}")) in known:
                record[f"lat{side}"], record[f"lng{side}"] = known[(record[f"city{side}"], record[f"country{side}"])]
        row = _row(line, record, text, report)
        if row is not None:
            rows.append(row)
    report.counts["rows read"] = count
    return rows


def _records(path: Path):
    """(line number, row as a dict) for each data row of a twin-city CSV."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise UsageError(f"Cannot read {path}: {error.strerror or error}.") from None
    with handle:
        reader = csv.DictReader(handle)
        needed = {"city1", "country1", "city2", "country2"}
        if not needed <= set(reader.fieldnames or ()):
            raise UsageError(f"{path} is not a twin-city CSV: its header needs the columns "
                             f"{', '.join(sorted(needed))}.")
        try:
            for record in reader:
                yield reader.line_num, record
        except (csv.Error, UnicodeDecodeError) as error:
            raise UsageError(f"{path}:{reader.line_num}: not a readable CSV row ({error}).") from None


def _coordinate_table(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    table: dict[tuple[str, str], tuple[str, str]] = {}
    for _, record in _records(path):
        for side in "12":
            if record.get(f"lat{side}") and record.get(f"lng{side}"):
                table.setdefault((record[f"city{side}"], record[f"country{side}"]),
                                 (record[f"lat{side}"], record[f"lng{side}"]))
    return table


def _row(line: int, record: dict, text: str, report: ImportReport) -> Row | None:
    mentions = []
    coordinates_bad = False
    for side in "12":
        name = (record.get(f"city{side}") or "").strip()
        if not name:
            report.bad(line, "missing city name", text)
            return None
        written = (record.get(f"country{side}") or "").strip()
        code, name_text = _country(name, written, line, report)
        if code is None:
            report.bad(line, "unknown country name" if written else "missing country", text)
            return None
        lat, long, ok = _coordinates(record.get(f"lat{side}"), record.get(f"lng{side}"))
        coordinates_bad |= not ok
        words = (slug(written), slug(country_label(code)))
        mentions.append(Mention(parse_name(name_text, words), code, lat, long))
    if coordinates_bad:
        report.bad(line, "unparseable coordinates", text, imported=True)
    return Row(line, mentions[0], mentions[1], text)


def _country(name: str, written: str, line: int, report: ImportReport) -> tuple[str | None, str]:
    """The country code; when the country column is empty, a trailing ", Country" in the name counts."""
    if written:
        return country_code(written), name
    if "," in name:
        base, tail = (part.strip() for part in name.rsplit(",", 1))
        code = country_code(tail)
        if code is not None:
            report.note("Country taken from the name (empty country column)", f"line {line}: '{name}' → {code}")
            return code, base
    return None, name


def _coordinates(lat: str | None, long: str | None) -> tuple[str | None, str | None, bool]:
    """Both coordinates or neither; ``ok`` is False when something was given but is not a coordinate."""
    if not (lat or "").strip() and not (long or "").strip():
        return None, None, True
    lat_text, long_text = decimal_text(lat or "", -90, 90), decimal_text(long or "", -180, 180)
    if lat_text is None or long_text is None:
        return None, None, False
    return lat_text, long_text, True


def import_hekman(project: Project, path: Path, coordinates: Path | None = None,
                  output: Path | None = None, wikidata: tuple[Path, Path] | None = None) -> ImportReport:
    """Read ``path``, resolve, write the TriG files; return the report (also describing what was written).

    ``wikidata``: the P190 relations and names files, whose items tell apart towns of one name (splits).
    """
    report = ImportReport(f"Import of {path.name} (Hekman twin cities)")
    rows = read_rows(path, report, coordinates)
    known = read_known(project)
    resolution = resolve(rows, known.name_index(), report)
    merge_written_twice(resolution, report)
    evidence = read_evidence(*wikidata) if wikidata is not None else None
    split_by_state(resolution, rows, read_sections(rows, gazetteer()), evidence, report)
    if evidence is not None:
        split_homonyms(resolution, evidence, report)
        split_item_towns(resolution, evidence, report)
    merge_spellings(resolution, evidence, report)
    provinces = Provinces(known)
    retype_provinces(resolution, provinces, report)
    target = project.root / (output or OUTPUT)
    writer, fixes = Writer(SOURCE), Writer(geonames_source("positions"))
    _write_entities(writer, fixes, resolution, provinces, report)
    provinces.write(writer)
    _write_pairs(writer, resolution, known, provinces, report)
    triples = writer.write(target, _header(path, coordinates, wikidata))
    fixes.write(project.root / POSITIONS_OUTPUT, [
        "Positions from GeoNames for municipalities the geocoder placed in another country.",
        "Generated by 'citykg import hekman'; do not edit by hand."])
    countries = _write_countries(project, resolution, known, provinces)
    report.counts.update({"rows imported": sum(len(lines) for lines in resolution.pairs.values()),
                          "partnerships": len(resolution.pairs), "triples written": triples,
                          "new countries": countries})
    report.outputs = [str(target.relative_to(project.root)), str(COUNTRIES_OUTPUT), str(POSITIONS_OUTPUT)]
    return report


def _write_entities(writer: Writer, fixes: Writer, resolution: Resolution, provinces: Provinces,
                    report: ImportReport) -> None:
    new = 0
    degree = resolution.degree()
    for entity in resolution.entities.values():
        if entity.curated:
            _write_curated(writer, entity, provinces.known, report)
            continue
        new += 1
        writer.add(entity.iri, RDF + "type", CKG + "Municipality")
        writer.label(entity.iri, entity.label)
        writer.add(entity.iri, CKG + "inCountry", country_iri(entity.country))
        for spelling in entity.spellings:
            if spelling != entity.label:
                writer.text(entity.iri, CKG + "nameInSource", spelling)
        if entity.province is not None:
            writer.add(entity.iri, CKG + "inProvince", provinces.node(subdivision_of_admin1(entity.country,
                                                                                             entity.province)).iri)
            position = _position_in_state(entity, fixes, report, degree[entity.iri])
        else:
            position = _checked_position(entity, fixes, report, degree[entity.iri])
        if position is not None:
            writer.decimal(entity.iri, _GEO + "lat", position[0])
            writer.decimal(entity.iri, _GEO + "long", position[1])
    report.counts["municipalities (new)"] = new
    report.counts["municipalities with a state from the page's sections"] = sum(
        1 for e in resolution.entities.values() if e.province is not None)
    report.counts["municipalities (curated, matched)"] = sum(1 for e in resolution.entities.values() if e.curated)



def _checked_position(entity: Entity, fixes: Writer, report: ImportReport, ties: int) -> tuple[str, str] | None:
    """The geocoded position if it lies in the entity's country; else None, after writing GeoNames' fix if any."""
    if entity.position is None:
        return None
    lat, long = (float(value) for value in entity.position)
    names = sorted({*entity.spellings, *(parse_name(s).base for s in entity.spellings)})
    verdict = check_position(gazetteer(), entity.country, names, lat, long)
    if verdict is None:
        return entity.position
    where = (f"{compact(entity.iri)} ('{entity.label}', {entity.country}) was geocoded at {lat:g}, {long:g}, "
             f"{verdict.nearest_km:.0f} km from {verdict.nearest.name} ({verdict.nearest.country}) and "
             f"{verdict.own_km:.0f} km from any place of {entity.country} that GeoNames lists")
    if verdict.fix is None:
        report.note("Positions outside their country (dropped)", f"{where}; GeoNames has no single place of that "
                    f"name there, so the node has no position", ties=ties)
        return None
    fix = verdict.fix
    fixes.decimal(entity.iri, _GEO + "lat", decimal_text(str(fix.lat), -90, 90) or "0.0")
    fixes.decimal(entity.iri, _GEO + "long", decimal_text(str(fix.long), -180, 180) or "0.0")
    report.note("Positions outside their country (replaced by GeoNames')", f"{where}; now at {fix.name} "
                f"({fix.lat:g}, {fix.long:g}, GeoNames {fix.geonameid})", ties=ties)
    return None


def _position_in_state(entity: Entity, fixes: Writer, report: ImportReport, ties: int) -> tuple[str, str] | None:
    """The geocoded position if it lies in the entity's state; else GeoNames' place of its name there, if one."""
    state = admin1_names(entity.country)[entity.province or ""]
    position = entity.position
    if position is not None and in_state(gazetteer(), entity.country, entity.province or "", *map(float, position)):
        return position
    names = sorted({*entity.spellings, *(parse_name(s).base for s in entity.spellings)})
    fix = place_in_state(gazetteer(), entity.country, entity.province or "", names)
    was = "had no position" if position is None else f"was geocoded at {position[0]}, {position[1]}, outside {state}"
    where = f"{compact(entity.iri)} ('{entity.label}', {state}) {was}"
    if fix is None:
        report.note("Positions outside their state (dropped)", f"{where}; GeoNames has no single place of that "
                    "name there, so the node has no position", ties=ties)
        return None
    fixes.decimal(entity.iri, _GEO + "lat", decimal_text(str(fix.lat), -90, 90) or "0.0")
    fixes.decimal(entity.iri, _GEO + "long", decimal_text(str(fix.long), -180, 180) or "0.0")
    report.note("Positions in their state (GeoNames')", f"{where}; now at {fix.name}, {state} ({fix.lat:g}, "
                f"{fix.long:g}, GeoNames {fix.geonameid})", ties=ties)
    return None


def _write_curated(writer: Writer, entity: Entity, known: KnownGraph, report: ImportReport) -> None:
    """A curated municipality keeps its label and coordinates; only a new spelling is recorded."""
    place = known.places[entity.iri]
    for spelling in entity.spellings:
        if spelling not in place.names:
            writer.text(entity.iri, CKG + "nameInSource", spelling)
    report.note("Matched curated municipalities",
                f"{', '.join(repr(s) for s in entity.spellings)} ({entity.country}) → {compact(entity.iri)}")


def _write_pairs(writer: Writer, resolution: Resolution, known: KnownGraph, provinces: Provinces,
                 report: ImportReport) -> None:
    duplicates = 0
    for (a, b), lines in sorted(resolution.pairs.items()):
        label = f"{_label(a, resolution, known, provinces)}–{_label(b, resolution, known, provinces)} sister cities"
        iri = writer.partnership(a, b, label, known.partnership_types.get(partnership_iri(a, b)),
                                 partnership_iri(a, b) in known.labelled_partnerships)
        duplicates += len(lines) - 1
        if partnership_iri(a, b) in known.partnership_types:
            report.note("Partnerships also described by curated sources", compact(iri))
    report.counts["duplicate rows (same pair listed again)"] = duplicates


def _label(iri: str, resolution: Resolution, known: KnownGraph, provinces: Provinces) -> str:
    if iri in provinces.nodes:
        return provinces.nodes[iri].label
    place = known.places.get(iri)
    if place is not None and place.label:
        return place.label
    return resolution.entities[iri].label


def _write_countries(project: Project, resolution: Resolution, known: KnownGraph, provinces: Provinces) -> int:
    writer = Writer(COUNTRIES_SOURCE)
    named = {e.country for e in resolution.entities.values()}
    named |= {node.subdivision.country for node in provinces.nodes.values()}
    codes = sorted(named - set(known.countries))
    for code in codes:
        writer.country(code, country_label(code))
    writer.write(project.root / COUNTRIES_OUTPUT, ["Countries named by the imported data sets and not described "
                                                   "in graph/reference/.", "Generated by 'citykg import hekman'; "
                                                   "do not edit by hand."])
    return len(codes)


def _header(path: Path, coordinates: Path | None, wikidata: tuple[Path, Path] | None) -> list[str]:
    option = f" --coordinates {coordinates.name}" if coordinates else ""
    option += f" --wikidata {wikidata[0].name} {wikidata[1].name}" if wikidata else ""
    return [f"Generated by 'citykg import hekman {path.name}{option}'; do not edit by hand: change the importer "
            "(src/citykg/importers/) and run it again.", "What was merged, resolved or left out: "
            "'citykg import hekman PATH --report FILE'."]
