"""Events the article reports with a date: meetings, visits, audiences, signings, statements, programmes.

A day is an event's date only where the text ties it to an occasion: a weekday before it, as the press
writes "Selasa (25/3/2025)" or "pada Senin, 8 Agustus 2022", or a word for the occasion in the same
sentence. All sentences dated the same day speak of one occasion. A year or a month alone dates only a
programme (magang, pertukaran, camp) or a ranking. A date with "sejak"/"since" dates a tie, not an event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from .dates import DateMention, find_dates
from .lexicon import EVENTS, PROGRAMME, RANKING, REPORTED
from .text import Sentence

__all__ = ["Dated", "find_events"]

_WEEKDAY_BEFORE = re.compile(r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Monday|Tuesday|Wednesday|"
                             r"Thursday|Friday|Saturday|Sunday)\s*(?:,\s*)?(?:\(|\btanggal\s+)?\s*$")


@dataclass
class Dated:
    """One occasion: its class (a local name in ckg:), date and quotes."""

    kind: str
    date: DateMention
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def literal(self) -> Literal:
        return Literal(self.date.value, datatype=NamedNode(self.date.datatype))


def find_events(sentences: list[Sentence], signing_dates: set[str]) -> list[Dated]:
    """The dated occasions of the article, one per day (or per year and kind of programme)."""
    events: dict[tuple[str, str], Dated] = {}
    for sentence in sentences:
        for mention in find_dates(sentence.text):
            if mention.cue in ("sejak", "since", "hingga", "until"):
                continue
            key_kind = _kind(sentence, mention, signing_dates)
            if key_kind is None:
                continue
            key = (mention.value, "day" if mention.is_day else key_kind)
            event = events.setdefault(key, Dated(key_kind, mention))
            if sentence not in event.sentences:
                event.sentences.append(sentence)
    for event in events.values():
        if event.date.is_day and event.date.value not in signing_dates:
            event.kind = _strongest(event.sentences)
    _remarks_of_the_day(sentences, list(events.values()), signing_dates)
    return sorted(events.values(), key=lambda e: (e.date.value, e.kind))


def _remarks_of_the_day(sentences: list[Sentence], events: list[Dated], signing_dates: set[str]) -> None:
    """A news report of one occasion quotes what was said there without dating each remark: an undated
    sentence that reports speech ("…," ujarnya / "…," she said) belongs to the article's one dated day."""
    days = [e for e in events if e.date.is_day and e.date.value not in signing_dates]
    if len(days) != 1:
        return  # no occasion, or several: which one a remark was made at is the reviewer's call
    quoted = {s.index for e in events for s in e.sentences}
    for sentence in sentences:
        if sentence.index not in quoted and sentence.has(REPORTED) and not find_dates(sentence.text):
            days[0].sentences.append(sentence)
    days[0].sentences.sort(key=lambda s: s.index)


def _kind(sentence: Sentence, mention: DateMention, signing_dates: set[str]) -> str | None:
    if mention.is_day:
        if mention.value in signing_dates:
            return "Signing"
        before = sentence.text[:mention.start]
        if _WEEKDAY_BEFORE.search(before) or _occasion(sentence):
            return _strongest([sentence])
        return None
    if sentence.has(RANKING):
        return "Ranking"
    if sentence.has(PROGRAMME):
        return "ExchangeProgramme"
    return None


def _occasion(sentence: Sentence) -> bool:
    return any(sentence.has(pattern) for kind, pattern in EVENTS if kind != "Statement")


def _strongest(sentences: list[Sentence]) -> str:
    for kind, pattern in EVENTS:
        if any(s.has(pattern) for s in sentences):
            return kind
    return "Meeting"
