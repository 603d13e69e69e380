"""Which representation of an entity a request asks for: the path's suffix first, then ``Accept``.

A suffix names a twin of the page (``/id/municipality/id-bandung.ttl``), as datasette does, so a link
can pick a format that a browser's ``Accept`` header never would. Without one, the ``Accept`` header's
q-values decide (RFC 9110, section 12.5.1); a browser, which asks for ``text/html`` first, gets the page.
"""

from __future__ import annotations

from urllib.parse import unquote

from ..vocab import ID

__all__ = ["FORMATS", "SUFFIXES", "negotiate", "split_suffix", "iri_for_path"]

#: Representations: suffix → media type. ``.json`` is the JSON-LD twin under the name JSON clients try.
SUFFIXES: dict[str, str] = {
    "html": "text/html",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "rdf": "application/rdf+xml",
}

#: Media type → the format name :func:`citykg.pages.describe` takes (``html`` is the page).
FORMATS: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",  # the N-Triples media type before RFC-style registration; curl's habit
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/xml": "rdf",
}

#: Preference among equally weighted types: the page, then the most readable RDF.
_ORDER = ("text/html", "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples")


def split_suffix(path: str) -> tuple[str, str | None]:
    """``/id/city/x.ttl`` → ``("/id/city/x", "ttl")``; a path without a known suffix is returned whole."""
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and suffix in SUFFIXES:
        return stem, suffix
    return path, None


def iri_for_path(path: str) -> str | None:
    """The store's IRI for a request path, whatever ``base`` the server runs under:
    ``/id/municipality/id-bandung.ttl`` → ``https://w3id.org/citykg/id/municipality/id-bandung``;
    ``None`` for a path outside ``/id/``. The caller strips its own base path first.

    >>> iri_for_path("/id/municipality/id-bandung.ttl")
    'https://w3id.org/citykg/id/municipality/id-bandung'
    """
    stem, _ = split_suffix(unquote(path))
    if not stem.startswith("/id/") or len(stem) <= len("/id/"):
        return None
    return ID + stem[len("/id/"):]


def negotiate(path: str, accept_header: str | None) -> tuple[str, str]:
    """The ``(media_type, suffix)`` to answer ``path`` with: a known suffix wins; else the ``Accept``
    header's best type (q-values, then specificity, then our order); else HTML.

    >>> negotiate("/id/municipality/id-bandung.ttl", "text/html")
    ('text/turtle', 'ttl')
    >>> negotiate("/id/municipality/id-bandung", "application/rdf+xml;q=0.5, text/turtle")
    ('text/turtle', 'ttl')
    >>> negotiate("/id/municipality/id-bandung", "text/html,application/xhtml+xml,*/*;q=0.8")
    ('text/html', 'html')
    """
    _, suffix = split_suffix(path)
    if suffix is not None:
        return SUFFIXES[suffix], suffix
    best: tuple[float, int, int] | None = None
    chosen = "text/html"
    for media_type, quality in _parse_accept(accept_header or ""):
        for candidate in _candidates(media_type):
            rank = (quality, _specificity(media_type), -_ORDER.index(candidate))
            if quality > 0 and (best is None or rank > best):
                best, chosen = rank, candidate
    return chosen, _suffix_of(chosen)


def _parse_accept(header: str) -> list[tuple[str, float]]:
    """``text/turtle;q=0.9, */*;q=0.1`` → ``[("text/turtle", 0.9), ("*/*", 0.1)]``; bad q-values read 0."""
    ranges = []
    for item in header.split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if not media_type:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media_type.lower(), quality))
    return ranges


def _candidates(media_range: str) -> list[str]:
    """The representations a media range accepts, in our order of preference."""
    if media_range == "*/*":
        return list(_ORDER)
    if media_range.endswith("/*"):
        family = media_range[:-1]
        return [t for t in _ORDER if t.startswith(family)]
    if media_range in FORMATS:
        canonical = {"html": "text/html", "ttl": "text/turtle", "nt": "application/n-triples",
                     "jsonld": "application/ld+json", "rdf": "application/rdf+xml"}[FORMATS[media_range]]
        return [canonical]
    return []


def _specificity(media_range: str) -> int:
    return 0 if media_range == "*/*" else 1 if media_range.endswith("/*") else 2


def _suffix_of(media_type: str) -> str:
    return next(suffix for suffix, known in SUFFIXES.items() if known == media_type)
