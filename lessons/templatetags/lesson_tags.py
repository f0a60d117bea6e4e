from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from lessons.markdown import render_markdown, render_markdown_inline

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Render trusted-format, untrusted-content Markdown: raw HTML is escaped."""
    return mark_safe(render_markdown(text))  # noqa: S308 (escaping done by the renderer)


@register.filter
def markdown_inline(text: str) -> SafeString:
    """One line of Markdown, for list items and the like; raw HTML is escaped."""
    return mark_safe(render_markdown_inline(text))  # noqa: S308 (escaping done by the renderer)
