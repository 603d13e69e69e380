"""Dates in the forms the press writes them, and nothing else: a weekday alone is no date.

Found: "Senin (19/3/2018)", "(17/1/23)", "Rabu 1 Februari 2023", "27 November 2015", "11 January 1993",
"January 11, 1993", "Maret 2022" (a month: xsd:gYearMonth), "sejak 2015" / "pada 2023" (a year: xsd:gYear,
never a day), and a dateline "25 Mar 2025 21:24 WIB" (an xsd:dateTime with the zone's offset).
Month names are read by ``dateparser`` (Indonesian and English); the regular expressions only say where a
date is, so that dateparser's free-text search, which turns "Senin" into next Monday, is never used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..vocab import XSD

__all__ = ["DateMention", "find_dates", "dateline"]

_MONTHS = (r"Januari|Februari|Pebruari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|"
           r"Nopember|Desember|January|February|March|May|June|July|August|October|December|"
           r"Jan|Feb|Mar|Apr|Jun|Jul|Agu|Agt|Aug|Sep|Sept|Okt|Oct|Nov|Des|Dec")
_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS})\.?\s+(\d{{4}})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTHS})\.?\s+(\d{{1,2}}),\s*(\d{{4}})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b({_MONTHS})\s+(\d{{4}})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(sejak|pada|tahun|since|in|dari|mulai|hingga|until)\s+(?:tahun\s+)?((?:19|20)\d{2})\b"
                   r"(?!\s*[-–/]\s*\d)", re.IGNORECASE)
_DATELINE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS})\s+(\d{{4}}),?\s+(\d{{1,2}})[:.](\d{{2}})\s*(WIB|WITA|WIT)\b")
_OFFSETS = {"WIB": "+07:00", "WITA": "+08:00", "WIT": "+09:00"}


@dataclass(frozen=True)
class DateMention:
    """A date the text states, as the literal the graph stores (``value`` with its XSD ``datatype``)."""

    value: str
    datatype: str  # XSD + "date" | "gYearMonth" | "gYear"
    start: int
    end: int
    cue: str = ""  # the word before a bare year ("sejak", "pada"...), lower case

    @property
    def is_day(self) -> bool:
        return self.datatype == XSD + "date"


def find_dates(text: str) -> list[DateMention]:
    """Every date ``text`` states, longest form first where two overlap, in order of appearance."""
    found: list[DateMention] = []
    for match in _NUMERIC.finditer(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        year += 2000 if year < 100 else 0
        _add(found, _day(year, month, day, match.start(), match.end()))
    for match in _DAY_MONTH_YEAR.finditer(text):
        _add(found, _parsed(f"{match[1]} {match[2]} {match[3]}", match.start(), match.end()))
    for match in _MONTH_DAY_YEAR.finditer(text):
        _add(found, _parsed(f"{match[2]} {match[1]} {match[3]}", match.start(), match.end()))
    for match in _MONTH_YEAR.finditer(text):
        number = _month_number(match[1])
        if number:
            _add(found, DateMention(f"{match[2]}-{number:02d}", XSD + "gYearMonth", match.start(), match.end()))
    for match in _YEAR.finditer(text):
        _add(found, DateMention(match[2], XSD + "gYear", match.start(2), match.end(), match[1].lower()))
    return sorted(found, key=lambda mention: mention.start)


def dateline(text: str) -> str | None:
    """The publication time of a dateline like "Selasa, 25 Mar 2025 21:24 WIB", as an xsd:dateTime."""
    match = _DATELINE.search(text)
    if not match:
        return None
    day = _parsed(f"{match[1]} {match[2]} {match[3]}", 0, 0)
    if day is None:
        return None
    return f"{day.value}T{int(match[4]):02d}:{match[5]}:00{_OFFSETS[match[6]]}"


def _add(found: list[DateMention], mention: DateMention | None) -> None:
    if mention is None:
        return
    if any(other.start <= mention.start and mention.end <= other.end for other in found):
        return  # "Maret 2022" inside "1 Maret 2022", a year inside a full date
    found.append(mention)


def _day(year: int, month: int, day: int, start: int, end: int) -> DateMention | None:
    try:
        return DateMention(date(year, month, day).isoformat(), XSD + "date", start, end)
    except ValueError:
        return None  # 31/2/2023 is no date; better none than a guess


def _parsed(text: str, start: int, end: int) -> DateMention | None:
    import dateparser  # type: ignore[import-untyped]

    parsed = dateparser.parse(text, languages=["id", "en"],
                              settings={"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"})
    if parsed is None:
        return None
    return DateMention(parsed.date().isoformat(), XSD + "date", start, end)


def _month_number(name: str) -> int | None:
    import dateparser  # type: ignore[import-untyped]

    parsed = dateparser.parse(f"1 {name} 2000", languages=["id", "en"],
                              settings={"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"})
    return parsed.month if parsed else None
