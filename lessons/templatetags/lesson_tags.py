from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from lessons.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Render trusted-format, untrusted-content Markdown: raw HTML is escaped."""
    return mark_safe(render_markdown(text))  # noqa: S308 (escaping done by the renderer)
