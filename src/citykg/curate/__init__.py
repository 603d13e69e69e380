"""Drafts of new articles for the curated graph (``citykg curate``, issue 13).

:func:`draft_article` reads a news article or press release and drafts its named graph, each fact with the
sentence that states it; :func:`citykg.curate.check.check_draft` re-checks a reviewed draft's quotes and
validates it with the build's shapes. Imported only by the ``curate`` command, never by ``citykg query``.
"""

from __future__ import annotations

from .draft import draft_article
from .model import Draft, Fact

__all__ = ["draft_article", "Draft", "Fact"]
