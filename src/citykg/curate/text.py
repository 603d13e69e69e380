"""The article as the curator reads it: headline, language, and sentences that are slices of the input.

Every quote the draft writes is one of these sentences, so a quote is verbatim by construction; the check
(:func:`quote_in`) compares with runs of white space folded, because a press text may break a sentence
across lines and a TriG literal keeps it on one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Article", "Sentence", "fold", "quote_in", "read_article"]

# Abbreviations after which a full stop does not end a sentence (titles, "Plt.", "No.", company suffixes).
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "drs", "ir", "h", "hj", "plt", "pj", "no", "kab", "st", "co",
                  "ltd", "inc", "prof", "jl", "sdr", "bpk", "kec", "kel", "cllr", "vs", "etc", "dll", "dsb"}
_END = re.compile(r"[.!?…]+[\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])")
_ID_WORDS = {"yang", "dan", "dengan", "di", "untuk", "ini", "dari", "kerja", "sama", "kota", "akan",
             "dalam", "pada", "tersebut", "juga", "telah", "kami", "itu", "bisa", "saat"}
_EN_WORDS = {"the", "and", "of", "with", "to", "in", "is", "for", "on", "city", "will", "that", "this",
             "was", "said", "has", "have", "at", "by", "its"}
_DATELINE = re.compile(r"^[A-Z][A-Z .]+,")
# Lines that link to other articles ("Baca Juga: …") are not part of the text, and state nothing about it.
_LINK_LINE = re.compile(r"^\s*(?:Baca\s+Juga|Baca\s+Selanjutnya|Read\s+(?:also|more)|Lihat\s+Juga|ADVERTISEMENT)\b",
                        re.IGNORECASE | re.MULTILINE)
_LINK_LINE_WHOLE = re.compile(_LINK_LINE.pattern + r"[^\n]*", re.IGNORECASE | re.MULTILINE)
# A "related articles" heading: each line under it is the headline of another article, a sentence of its own.
_RELATED = re.compile(r"^[ \t]*(?:Artikel|Berita)\s+Terkait[ \t]*:?[ \t]*$|^[ \t]*Related\s+(?:articles|stories|news)"
                      r"[ \t]*:?[ \t]*$", re.IGNORECASE | re.MULTILINE)


def fold(text: str) -> str:
    """White space folded to single spaces: the form in which a quote must occur in the article."""
    return " ".join(text.split())


def quote_in(quote: str, article_text: str) -> bool:
    """True when ``quote`` is a verbatim part of the article (line breaks count as spaces)."""
    return bool(quote.strip()) and fold(quote) in fold(article_text)


@dataclass(frozen=True)
class Sentence:
    """One sentence (or the headline) of the article, with its place in the text."""

    index: int
    start: int
    text: str  # white space folded; a verbatim quote under :func:`quote_in`

    def has(self, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self.text) is not None


@dataclass
class Article:
    """The input text and what is read off it before any fact is drafted."""

    text: str
    headline: str | None
    language: str
    sentences: list[Sentence] = field(default_factory=list)


def read_article(text: str) -> Article:
    """Split an article into its headline (if it has one), its language and its sentences."""
    lines = [line.strip() for line in text.splitlines()]
    first = next((line for line in lines if line), "")
    headline = first if _looks_like_headline(first) else None
    sentences: list[Sentence] = []
    offset = 0
    # A link line is blanked (offsets kept) so that it neither reads as text nor swallows the next sentence.
    text_read = _LINK_LINE_WHOLE.sub(lambda m: " " * len(m.group()), text)
    opening = True  # only the article's first paragraph can open with a headline line
    for paragraph in re.split(r"\n\s*\n", text_read):
        start = text_read.index(paragraph, offset) if paragraph else offset
        offset = start + len(paragraph)
        for piece_start, piece in _pieces(paragraph, opening):
            folded = fold(piece)
            if folded and not _LINK_LINE.match(folded):
                sentences.append(Sentence(len(sentences), start + piece_start, folded))
        opening = opening and not paragraph.strip()
    return Article(text=text, headline=headline, language=detect_language(text), sentences=sentences)


def detect_language(text: str) -> str:
    """"id" or "en", whichever language's commonest words the text uses more.

    Two languages with very different function words need no language model (and none may be downloaded).
    """
    words = re.findall(r"[a-z]+", text.lower())
    indonesian = sum(word in _ID_WORDS for word in words)
    english = sum(word in _EN_WORDS for word in words)
    return "en" if english > indonesian else "id"


def _looks_like_headline(line: str) -> bool:
    return (0 < len(line.split()) <= 20 and not re.search(r"[.!?:,;]$", line)
            and not _DATELINE.match(line) and not line.startswith(("“", '"')))


def _pieces(paragraph: str, opening: bool = False) -> list[tuple[int, str]]:
    """The paragraph's sentences; under a related-articles heading, one per line (the heading dropped)."""
    related = _RELATED.search(paragraph)
    if related is None:
        return _split(paragraph, opening)
    pieces = _split(paragraph[:related.start()], opening) if paragraph[:related.start()].strip() else []
    offset = related.end()
    for line in paragraph[related.end():].split("\n"):
        pieces.append((offset, line))
        offset += len(line) + 1
    return pieces


def _split(paragraph: str, opening: bool = False) -> list[tuple[int, str]]:
    """Sentences of one paragraph; never inside an open quotation, never after an abbreviation. Only in the
    ``opening`` paragraph is a short first line a headline of its own: elsewhere it is a hard-wrapped line."""
    pieces: list[tuple[int, str]] = []
    begin = 0
    for match in _END.finditer(paragraph):
        end = match.end()
        chunk = paragraph[begin:end]
        word = re.search(r"(\w+)[.]+[\"”’)]*$", chunk)
        if word and word.group(1).lower() in _ABBREVIATIONS:
            continue
        if _open_quote(chunk) and len(chunk) < 600:
            continue
        pieces.append((begin, chunk))
        begin = end
    pieces.append((begin, paragraph[begin:]))
    # A headline line followed by a single line break belongs alone.
    result: list[tuple[int, str]] = []
    for start, piece in pieces:
        lines = piece.split("\n")
        if opening and len(lines) > 1 and _looks_like_headline(lines[0].strip()) and start == 0:
            result.append((start, lines[0]))
            rest = piece[len(lines[0]) + 1:]
            result.append((start + len(lines[0]) + 1, rest))
        else:
            result.append((start, piece))
    return result


def _open_quote(chunk: str) -> bool:
    """True when this sentence opened a quotation it has not closed (a closing mark left over from the
    sentence before, as in 'kerja," ujarnya.', does not count)."""
    curly = chunk.count("“") > chunk.count("”")
    last = chunk.rfind('"')
    straight = chunk.count('"') % 2 == 1 and (last == 0 or chunk[last - 1].isspace())
    return straight or curly
