"""Linked Data on the endpoint: ``/id/…``, ``/ontology``, ``/search``, ``/.well-known/void`` and ``/viz``.

The graph's own IRIs (``https://w3id.org/citykg/id/…``) resolve here: a browser gets the page, an RDF client
the entity's description with the provenance of each statement (:mod:`citykg.pages`), by the path's suffix
or the ``Accept`` header. The routes only turn a request into a job; the pages are rendered in a query
worker, under the same time and memory limits as any query, from the worker's open build.
"""

from __future__ import annotations

from typing import Any

from .protocol import Refused, Reply, error_reply

#: What each representation is served as.
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "ttl": "text/turtle; charset=utf-8",
               "nt": "application/n-triples", "jsonld": "application/ld+json", "rdf": "application/rdf+xml"}


def is_linked_data(path: str) -> bool:
    """Whether ``path`` is one of the Linked Data routes (the caller has routed everything else first)."""
    from ..pages.negotiate import split_suffix

    stem, _ = split_suffix(path)
    return (path.startswith("/id/") or stem == "/ontology" or path in ("/search", "/.well-known/void")
            or path == "/viz")


def job_for(path: str, params: dict[str, list[str]], accept: str | None, links_base: str,
            rdf_base: str | None, endpoint: str) -> dict[str, Any]:
    """The worker job that answers a Linked Data request. ``links_base`` is where pages link to (the
    server, or ``--base``); ``rdf_base`` the base that RDF IRIs are written under (``None``: w3id)."""
    from ..pages.negotiate import FORMATS, iri_for_path, negotiate, split_suffix

    job: dict[str, Any] = {"links_base": links_base, "rdf_base": rdf_base}
    if path == "/search":
        return {**job, "kind": "search", "text": _one(params, "q")}
    if path == "/.well-known/void":
        return {**job, "kind": "void", "endpoint": endpoint + "sparql"}
    if path == "/viz":
        focus = _one(params, "focus")
        if not focus:
            raise Refused(400, "bad-request", "GET /viz needs ?focus=IRI, the municipality to centre on.")
        return {**job, "kind": "viz", "focus": focus}
    media_type, _ = negotiate(path, accept)
    fmt = FORMATS[media_type]
    if split_suffix(path)[0] == "/ontology":
        return {**job, "kind": "ontology", "fmt": fmt}
    iri = iri_for_path(path)
    if iri is None:
        raise Refused(404, "not-found", f"Nothing at {path}; an entity's address is /id/KIND/NAME.")
    return {**job, "kind": "entity", "iri": iri, "fmt": fmt}


def answer(kg, job: dict[str, Any]) -> Reply:
    """In the worker: render the job's page or description."""
    from .. import pages

    kind, fmt = job["kind"], job.get("fmt", "html")
    if kind == "search":
        return _html(pages.render_search(kg, job["text"], job["links_base"]))
    if kind == "void":
        text = pages.dataset_description(kg, endpoint=job["endpoint"], base=job["rdf_base"])
        return Reply(200, text.encode(), MEDIA_TYPES["ttl"], {"Vary": "Accept"})
    if kind == "viz":
        return _network(kg, job["focus"])
    if kind == "ontology":
        if fmt == "html":
            return _html(pages.render_ontology(kg, job["links_base"]))
        return _rdf(pages.describe_ontology(kg, fmt, job["rdf_base"]), fmt)
    try:
        if fmt == "html":
            page = pages.render_page(kg, job["iri"], job["links_base"])
            body = page.encode() if page is not None else None
        else:
            body = pages.describe(kg, job["iri"], fmt, job["rdf_base"])
    except ValueError:
        return error_reply(400, "bad-request", f"{job['iri']!r} is not an IRI.")
    if body is None:
        return error_reply(404, "not-found", f"The graph says nothing about {job['iri']}.")
    return Reply(200, body, MEDIA_TYPES[fmt], {"Vary": "Accept"})


def _network(kg, focus: str) -> Reply:
    """The interactive network around one municipality (``citykg viz --focus``), as one HTML file; ``focus``
    is an IRI (the pages link so), a compact IRI or a label."""
    import tempfile
    from pathlib import Path

    from ..errors import CityKGError
    from ..viz import Selection, visualise
    from ..vocab import compact

    with tempfile.TemporaryDirectory(prefix="citykg-viz-") as folder:
        out = Path(folder) / "network.html"
        try:
            visualise(kg, out, selection=Selection(focus=compact(focus) if "://" in focus else focus))
        except CityKGError as error:
            return error_reply(400, "bad-request", str(error))
        return _html(out.read_text(encoding="utf-8"))


def _html(text: str) -> Reply:
    return Reply(200, text.encode(), MEDIA_TYPES["html"], {"Vary": "Accept"})


def _rdf(body: bytes, fmt: str) -> Reply:
    return Reply(200, body, MEDIA_TYPES[fmt], {"Vary": "Accept"})


def _one(params: dict[str, list[str]], key: str) -> str:
    values = params.get(key)
    return values[-1] if values else ""
