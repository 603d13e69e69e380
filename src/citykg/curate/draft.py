"""Draft the named graph of one article: read it, link its names, and turn what it states into facts.

Each fact carries the sentences that state it (``ckg:evidence``), a confidence and the flags the reviewer
must read. Nothing is stated that no sentence gives: no invented date, no place the graph lacks without a
flag, no sector the scheme lacks (those phrases are listed instead).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode

from ..errors import UsageError
from ..importers.names import slug
from ..vocab import CKG, DCTERMS, ID, PREFIXES, RDF, XSD
from .dates import dateline, find_dates
from .events import find_events
from .facts import FactBuilder
from .model import Draft, Fact
from .places import COUNTRY, MUNICIPALITY, Gazetteer, Mention
from .sectors import SectorIndex
from .text import Article, quote_in, read_article
from .ties import find_agreements, find_ties

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

__all__ = ["draft_article"]

_ISSUED = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z))?$")


def draft_article(kg: KnowledgeGraph, text: str, *, url: str | None = None, publisher: str | None = None,
                  issued: str | None = None) -> Draft:
    """The draft of ``text`` against the graph of ``kg`` (its store must be built)."""
    article = read_article(text)
    if not article.sentences:
        raise UsageError("The article is empty: there is no sentence to draft from.")
    places = Gazetteer(kg)
    first_pass = [places.mentions(s.text, set()) for s in article.sentences]
    countries = {m.iri for found in first_pass for m in found if m.kind == COUNTRY and m.iri}
    mentions = [places.mentions(s.text, countries) for s in article.sentences]
    home = _home(mentions, places)
    kinds = {m.iri: m.kind for found in mentions for m in found if m.iri}
    source = _source(article, url, publisher, issued)
    draft = Draft(source=source, language=article.language)
    builder = FactBuilder(draft, places, SectorIndex(kg), article, home, kinds)
    builder.proposed_places(mentions, countries)
    ties = find_ties(article.sentences, mentions, home, kinds, places.country_of)
    agreements = find_agreements(article.sentences, mentions, home, ties, places.country_of)
    for tie in ties.values():
        builder.partnership(tie)
    for signed in agreements:
        builder.agreement(signed)
    signing_dates = {str(a.signed_on.value) for a in agreements if a.signed_on is not None}
    events = find_events(article.sentences, signing_dates)
    builder.article_day = max((e.date.value for e in events if e.date.is_day and e.kind != "Signing"),
                              default=None)
    builder.people(mentions)
    for event in events:
        builder.event(event, mentions)
    builder.unknown_sectors()
    draft.ambiguous = sorted({flag for found in mentions for m in found if m.ambiguous for flag in m.flags})
    _check_quotes(draft, article)
    return draft


def _home(mentions: list[list[Mention]], places: Gazetteer) -> str | None:
    """The article's own municipality: the Indonesian one it names most (else the most named one)."""
    counts = Counter(m.iri for found in mentions for m in found if m.kind == MUNICIPALITY and m.iri)
    indonesian = [iri for iri, _ in counts.most_common() if places.country_of(iri) == f"{ID}country/id"]
    if indonesian:
        return indonesian[0]
    return counts.most_common(1)[0][0] if counts else None


_DATELINE_PUBLISHER = re.compile(r"^[A-Z][A-Z .]+,\s+([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)\s+[–—-]\s")
_PUBLISHER_FIRST = re.compile(r"^([A-Z][A-Z0-9]+\.(?:CO|COM|ID|NET)(?:\.ID)?)\s+[–—-]\s")


def _publisher_in_text(article: Article) -> str | None:
    """"BANDUNG, Prolite – …" or "SATUARAH.CO - …": the publisher a dateline names."""
    first = article.sentences[0].text if article.headline is None else (
        article.sentences[1].text if len(article.sentences) > 1 else "")
    match = _DATELINE_PUBLISHER.match(first) or _PUBLISHER_FIRST.match(first)
    return match.group(1) if match else None


def _source(article: Article, url: str | None, publisher: str | None, issued: str | None) -> Fact:
    found_publisher = None if publisher else _publisher_in_text(article)
    publisher = publisher or found_publisher
    found_issued = issued or dateline(article.text[:400])
    # The slug's date: the publication day, else the latest day the text names (its news), else none.
    day = (found_issued or "")[:10] or max((d.value for s in article.sentences for d in find_dates(s.text)
                                             if d.is_day), default="undated")
    words = (article.headline or article.sentences[0].text).split()[:7]
    name = "-".join(part for part in (slug(publisher or "unattributed"), day, slug(" ".join(words))) if part)
    iri = f"{ID}source/{name[:90].rstrip('-')}"
    headline = article.headline
    fact = Fact("source", iri, [CKG + "Source"], "", "the source")
    if headline:
        fact.add(DCTERMS + "title", Literal(headline, language=article.language))
        fact.label_en = f"{headline} ({publisher or 'publisher not given'}, {day})"
        fact.flags.append("write the English label (a translation of the headline)")
    else:
        fact.add(CKG + "untitled", Literal(True))
        fact.label_en = f"Untitled article ({publisher or 'publisher not given'}, {day})"
        fact.flags.append("the article has no headline: write an English label that says what it reports")
    if publisher:
        fact.add(DCTERMS + "publisher", Literal(publisher))
    if found_publisher:
        fact.flags.append(f"publisher '{found_publisher}' read from the dateline")
    if found_issued:
        if not _ISSUED.match(found_issued):
            raise UsageError(f"--issued {found_issued!r} is not a date (2025-03-25) or a time with its offset "
                             "(2025-03-25T21:24:00+07:00).")
        kind = "dateTime" if "T" in found_issued else "date"
        fact.add(DCTERMS + "issued", Literal(found_issued, datatype=NamedNode(XSD + kind)))
    if url:
        try:
            fact.add(PREFIXES["schema"] + "url", NamedNode(url))
        except ValueError:
            raise UsageError(f"--url {url!r} is not a valid IRI.") from None
    fact.add(DCTERMS + "language", Literal(article.language))
    fact.confidence = 1.0
    return fact


def _check_quotes(draft: Draft, article: Article) -> None:
    """Every quote must be a verbatim part of the article; one that is not is dropped and flagged."""
    for fact in draft.facts:
        kept = [quote for quote in fact.evidence if quote_in(quote, article.text)]
        if len(kept) != len(fact.evidence):
            fact.flags.append("a quote that is not verbatim in the article was dropped")
        fact.evidence = kept


_ = RDF
