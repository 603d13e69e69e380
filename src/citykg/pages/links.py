"""Where a page links to: the same IRIs on a server (under its ``base``) or relative files on disk.

A page never hard-codes a URL: every ``href`` comes from one of these two objects, so the server's pages,
the static site's files and a deployment minting its own IRIs (``--base``) share the templates.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import quote as _url_quote
from urllib.parse import urlencode

from .describe import CITYKG_ROOT

__all__ = ["ServerLinks", "SiteLinks", "path_of"]


@lru_cache(maxsize=1 << 16)
def _quote(path: str, safe: str) -> str:
    """``urllib.parse.quote``, kept: a page quotes a few hundred IRIs, most of them many times over."""
    return _url_quote(path, safe=safe)


def path_of(iri: str) -> str | None:
    """``https://w3id.org/citykg/id/municipality/x`` → ``id/municipality/x``; ``None`` outside citykg."""
    if iri.startswith(CITYKG_ROOT + "id/"):
        return iri[len(CITYKG_ROOT):]
    return None


def _external(iri: str) -> str:
    """An IRI outside citykg as a link target only if it is a web address: a source's ``javascript:`` or
    ``data:`` IRI must not become a live link (the page shows it as text)."""
    return iri if iri.startswith(("http://", "https://")) else ""


class ServerLinks:
    """Links for pages served under ``base`` (which ends with ``/``): ``/id/…`` negotiates the format."""

    static = False

    def __init__(self, base: str = CITYKG_ROOT) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def href(self, iri: str) -> str:
        if iri.startswith(CITYKG_ROOT):
            return self.base + _quote(iri[len(CITYKG_ROOT):], safe="/#:-_.~")
        return _external(iri)

    def twin(self, iri: str, fmt: str) -> str:
        return self.href(iri) + "." + fmt

    def home(self) -> str:
        return self.base

    def search(self) -> str:
        return self.base + "search"

    def void(self) -> str:
        return self.base + ".well-known/void"

    def network(self, iri: str) -> str | None:
        """The network view around a municipality (the municipalities network has no other kind of node)."""
        if not iri.startswith(CITYKG_ROOT + "id/municipality/"):
            return None
        return self.base + "viz?" + urlencode({"focus": iri})

    def asset(self, name: str) -> str:
        return self.base + "static/" + name


class SiteLinks:
    """Relative links between the files of a static site, from the page of ``iri``.

    ``known`` holds the IRIs the site has a page for; any other citykg IRI links to its canonical
    (w3id) address, so no link of the site points at a missing file.
    """

    static = True

    def __init__(self, known: set[str], page: str = "index.html") -> None:
        self.known = known
        self.folder = posixpath.dirname(page)

    def for_page(self, iri: str) -> SiteLinks:
        path = path_of(iri)
        return SiteLinks(self.known, (path or "index") + ".html")

    def _relative(self, target: str) -> str:
        return posixpath.relpath(target, self.folder or ".")

    def href(self, iri: str) -> str:
        path = path_of(iri)
        if path is not None and iri in self.known:
            return _quote(self._relative(path + ".html"), safe="/#:-_.~")
        return _external(iri)

    def twin(self, iri: str, fmt: str) -> str:
        path = path_of(iri)
        return _quote(self._relative(f"{path}.{fmt}"), safe="/-_.~") if path else iri

    def home(self) -> str:
        return self._relative("index.html")

    def search(self) -> str:
        return self._relative("index.html")

    def void(self) -> str:
        return self._relative("void.ttl")

    def network(self, iri: str) -> str | None:
        return None

    def asset(self, name: str) -> str:
        return self._relative(name)

    def root(self) -> str:
        """The site's top folder, relative to this page (``../../``), for the search script."""
        return "" if not self.folder else self._relative(".") + "/"
