"""Markdown for lesson text: CommonMark plus tables, raw HTML never rendered."""

from __future__ import annotations

from markdown_it import MarkdownIt

# html=False escapes any raw HTML in the source; markdown-it's link validation
# already refuses javascript:, vbscript:, file: and data: URLs.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable("table")


def render_markdown(text: str) -> str:
    return _renderer.render(text)


def render_markdown_inline(text: str) -> str:
    """One line of Markdown (links, emphasis) without a wrapping paragraph."""
    return _renderer.renderInline(text)
