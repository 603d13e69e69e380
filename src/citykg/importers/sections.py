"""Which state a host city of a country page lies in, read from the page's section order.

Hekman's CSV was scraped from Wikipedia's country pages in page order. The United States rows come in
state sections ("Kansas", "Minnesota", …), each alphabetical by host city, the alphabet restarting at each
section; the CSV keeps the order but not the headings. So a *run* (host names in non-decreasing
alphabetical order) is one section or several that happen to continue the alphabet ("Athens … Montevallo"
of Alabama, then "Nome … Sitka" of Alaska). Each run is cut into the sections that best explain its
members: a member is explained by a state when GeoNames lists a place of its name in that state, or its
geocoded position is in that state. A section is named only when the evidence is clear: at least
``MIN_SUPPORT`` of its members, and more than half of its members GeoNames places at all, fit the state.
A member then carries the state when it fits it too (or when GeoNames knows nothing of it); a member that
GeoNames places elsewhere only ("Little Rock" in the Alaska run), or that would fit the neighbouring
section's state as well (at a cut between two sections), carries none. A run of one member carries none.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import subdivisions
from .gazetteer import Gazetteer, GazetteerPlace
from .names import slug
from .resolve import Row

__all__ = ["MIN_SUPPORT", "SECTIONED", "Section", "admin1_names", "read_sections", "state_of_lines"]

#: Countries whose page in the CSV comes in first-level sections.
SECTIONED = frozenset({"US"})

#: Members that must fit a state before a section is named after it.
MIN_SUPPORT = 2
#: A place this many times smaller than the largest of its name is not evidence for the name's state.
MINOR = 100
#: How far a geocoded position may lie from GeoNames' nearest place and still say which state it is in.
_NEAR_KM = 25.0


def admin1_names(country: str) -> dict[str, str]:
    """First-level subdivision code (GeoNames' admin1) → English name, for the pages read by section.

    Only the United States page is written in sections; the other long pages (Germany, Canada, Brazil …)
    are alphabetical by city across the whole country, so their row order says nothing of a state.
    """
    return subdivisions.admin1_names(country) if country in SECTIONED else {}


@dataclass(frozen=True)
class Member:
    """Consecutive rows of one host city within a page."""

    name: str
    lines: tuple[int, ...]
    fits: frozenset[str]  # the first-level subdivisions GeoNames places it in (empty: GeoNames does not know it)


@dataclass(frozen=True)
class Section:
    """A named section: its state and its members, with the state each carries (None when it carries none)."""

    country: str
    state: str
    members: tuple[Member, ...]
    carried: tuple[str | None, ...]

    @property
    def first_line(self) -> int:
        return self.members[0].lines[0]

    def carriers(self) -> list[tuple[Member, str | None]]:
        """Each member with the state it carries."""
        return list(zip(self.members, self.carried, strict=True))


def read_sections(rows: list[Row], gazetteer: Gazetteer) -> list[Section]:
    """The named sections of every country page that ``admin1_names`` can name, in file order."""
    sections: list[Section] = []
    for country, members in _pages(rows, gazetteer):
        for run in _runs(members):
            sections += _cut(country, run)
    return sections


def state_of_lines(sections: list[Section]) -> dict[int, str]:
    """Input line → the state its host city carries."""
    return {line: state for section in sections for member, state in section.carriers()
            if state is not None for line in member.lines}


def _pages(rows: list[Row], gazetteer: Gazetteer):
    """(country, members) of each block of consecutive rows whose host city lies in one nameable country."""
    block: list[Row] = []
    for row in [*rows, None]:
        if row is not None and block and row.a.country == block[0].a.country and row.line == block[-1].line + 1:
            block.append(row)
            continue
        if block and admin1_names(block[0].a.country):
            yield block[0].a.country, _members(block, gazetteer)
        block = [row] if row is not None else []


def _members(block: list[Row], gazetteer: Gazetteer) -> list[Member]:
    members: list[tuple[str, list[int], Row]] = []
    for row in block:
        if members and members[-1][0] == row.a.name.text:
            members[-1][1].append(row.line)
        else:
            members.append((row.a.name.text, [row.line], row))
    return [Member(name, tuple(lines), _fits(row, gazetteer)) for name, lines, row in members]


def _fits(row: Row, gazetteer: Gazetteer) -> frozenset[str]:
    country = row.a.country
    states = set()
    for name in dict.fromkeys((row.a.name.text, row.a.name.base)):
        states |= {place.admin1 for place in _places_named(gazetteer, name, country)}
    if row.a.lat is not None and row.a.long is not None:
        place, km = gazetteer.nearest_in(country, float(row.a.lat), float(row.a.long))
        if place is not None and km <= _NEAR_KM:
            states.add(place.admin1)
    return frozenset(s for s in states if s in admin1_names(country))


def _places_named(gazetteer: Gazetteer, name: str, country: str) -> list[GazetteerPlace]:
    """GeoNames' places of that name: by their own name if any is (else by their other names), leaving out
    the hamlets ``MINOR`` times smaller than the largest ("Littlerock", California, for Little Rock)."""
    places = gazetteer.named(name, country)
    own = [p for p in places if slug(p.name) == slug(name)] or places
    return [p for p in own if p.population * MINOR >= own[0].population]


def _runs(members: list[Member]) -> list[list[Member]]:
    """Maximal runs of alphabetically non-decreasing host names (equal names continue a run)."""
    runs: list[list[Member]] = []
    for member in members:
        if runs and slug(member.name) >= slug(runs[-1][-1].name):
            runs[-1].append(member)
        else:
            runs.append([member])
    return runs


def _cut(country: str, run: list[Member]) -> list[Section]:
    """The sections of a run: the cut into consecutive segments that lets most members fit their segment's
    state (dynamic programming over the cut points; an unnamed segment explains nobody), fewest segments
    on a tie."""
    n = len(run)
    best: list[tuple[int, int, list[tuple[int, int, str | None]]]] = [(0, 0, [])]
    for end in range(1, n + 1):
        options = []
        for start in range(end):
            score, count, cuts = best[start]
            state, support = _name(run[start:end])
            options.append((score + support, count - 1, [*cuts, (start, end, state)]))
        top = max(options, key=lambda o: (o[0], o[1]))
        best.append(top)
    segments = best[n][2]
    sections = []
    for index, (start, end, state) in enumerate(segments):
        if state is None:
            continue
        before = segments[index - 1][2] if index > 0 else None
        after = segments[index + 1][2] if index + 1 < len(segments) else None
        carried = []
        for position, member in enumerate(run[start:end]):
            fits = not member.fits or state in member.fits
            doubtful = (position == 0 and before in member.fits) or (position == end - start - 1
                                                                     and after in member.fits)
            carried.append(state if fits and not doubtful else None)
        sections.append(Section(country, state, tuple(run[start:end]), tuple(carried)))
    return sections


def _name(segment: list[Member]) -> tuple[str | None, int]:
    """The state most members of ``segment`` fit, and how many fit it, when the evidence is clear."""
    located = [m for m in segment if m.fits]
    counts: dict[str, int] = {}
    for member in located:
        for state in member.fits:
            counts[state] = counts.get(state, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if not ranked or ranked[0][1] < MIN_SUPPORT or 2 * ranked[0][1] <= len(located):
        return None, 0
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None, 0  # two states fit as many members: no clear name
    return ranked[0][0], ranked[0][1]
