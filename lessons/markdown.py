"""Markdown for lesson text: CommonMark plus tables, raw HTML never rendered."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

# html=False escapes any raw HTML in the source; markdown-it's link validation
# already refuses javascript:, vbscript:, file: and data: URLs.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable("table")

# A wide table scrolls inside a focusable region, so a keyboard can scroll it too.
TABLE_OPEN = '<div class="table-scroll" role="region" aria-label="Table" tabindex="0">\n'


def _table_open(renderer, tokens, idx, options, env) -> str:
    return TABLE_OPEN + renderer.renderToken(tokens, idx, options, env)


def _table_close(renderer, tokens, idx, options, env) -> str:
    return renderer.renderToken(tokens, idx, options, env) + "</div>\n"


_renderer.add_render_rule("table_open", _table_open)
_renderer.add_render_rule("table_close", _table_close)


# Rendering is a pure function of the text, so results are kept per process keyed
# on the text itself: an edit (in the admin, a fixture, a migration) is a new key
# and can never be served stale, whatever updated_at says. A lesson body costs a
# few milliseconds to render and a few kilobytes to keep; 1024 entries hold every
# lesson body, question stem and explanation the site ships several times over.
@lru_cache(maxsize=1024)
def render_markdown(text: str) -> str:
    return _renderer.render(text)


@lru_cache(maxsize=1024)
def render_markdown_inline(text: str) -> str:
    """One line of Markdown (links, emphasis) without a wrapping paragraph."""
    return _renderer.renderInline(text)
