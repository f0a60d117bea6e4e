"""Tags every page's frame uses."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from srm_site.shared.reverse import reverse_cached

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% url name %}` for a URL without arguments, reversed once per process.

    Such a URL depends only on the URLconf and the script prefix, which are both
    in the key. The header links to a dozen of them on every page; reversing
    them each time was a tenth of a small page's cost.
    """
    return reverse_cached(name)


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    sections: tuple[str, ...]  # URL names starting with one of these are this link's pages
    learners_only: bool = False

    def is_current(self, page: str) -> bool:
        return page.startswith(self.sections)


MAIN_NAV = (
    NavLink("Lessons", "lessons:lesson_list", ("lesson",)),
    NavLink("Matrix", "lessons:matrix", ("matrix",)),
    NavLink("Practice", "quizzes:practice_home", ("practice", "classify")),
    NavLink("Exams", "quizzes:exam_list", ("exam", "attempt")),
    NavLink("Dashboard", "quizzes:dashboard", ("dashboard",), learners_only=True),
    NavLink("Review", "quizzes:review", ("review",), learners_only=True),
)


@register.simple_tag
def review_badge(due, *, oob: bool = False) -> SafeString:
    """The count of reviews due beside the header's Review link. Always present (empty
    when nothing is due), so an answer can update it in place (`oob`)."""
    swap = ' hx-swap-oob="true"' if oob else ""
    if not due:
        return mark_safe(f'<span id="review-badge"{swap}></span>')  # noqa: S308
    hidden = '<span class="visually-hidden"> due</span>'
    # The count is an int, escaped all the same.
    return mark_safe(f'<span id="review-badge" class="badge"{swap}>{escape(due)}{hidden}</span>')  # noqa: S308


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    """The header's links, the current section marked, with the count of reviews due.

    Built here rather than by template nodes: every page shows it, and its
    two dozen nodes cost a seventh of a lesson page.
    """
    match = getattr(context.get("request"), "resolver_match", None)
    page = (match and match.url_name) or ""
    user = context.get("user")
    signed_in = user is not None and user.is_authenticated
    due = context.get("review_due")  # counted only when asked (see review_due)
    items = []
    for link in MAIN_NAV:
        if link.learners_only and not signed_in:
            continue
        current = ' aria-current="page"' if link.is_current(page) else ""
        badge = " " + review_badge(due) if link.url_name == "quizzes:review" else ""
        url = escape(reverse_cached(link.url_name))
        items.append(f'<li><a href="{url}"{current}>{link.label}{badge}</a></li>')
    # Labels and attributes are fixed strings; the URL and the count are escaped.
    return mark_safe("\n".join(items))  # noqa: S308
