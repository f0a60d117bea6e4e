from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

from quizzes.exams.attempts import NavigatorRow
from srm_site.shared.digest import content_digest

register = template.Library()


@register.filter
def minutes_seconds(seconds: int | None) -> str:
    """A short duration as a learner reads it: "45 s", "2 min 05 s"."""
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


@register.filter
def question_version(question, choices) -> str:
    """A digest of what a question card shows: any edit to the question is a new key."""
    shown = [(choice.pk, choice.text) for choice in choices]
    return content_digest(question.pk, question.kind, question.stem, question.choose, shown)


@register.simple_tag
def navigator_items(navigator: Iterable[NavigatorRow], current: int) -> SafeString:
    """The exam navigator's buttons, one `<li>` per question.

    Built here rather than by a template loop: a full simulation has 65 of them
    on every question page and every save, and rendering each through template
    nodes cost more than the rest of the page. Every value is an int or a fixed
    string, so there is nothing to escape.
    """
    parts = []
    for row in navigator:
        position = int(row.position)
        answered, incomplete = row.answered, row.incomplete
        classes = "nav-item"
        mark = ""
        if answered:
            classes += " nav-item--answered"
            mark = '<span aria-hidden="true">✓</span>'
            said = " answered"
        elif incomplete:
            classes += " nav-item--incomplete"
            mark = '<span aria-hidden="true">◐</span>'
            said = " incomplete"
        else:
            said = " not answered"
        if row.flagged:
            classes += " nav-item--flagged"
            mark += '<span aria-hidden="true">⚑</span>'
            said += ", flagged"
        step = ' aria-current="step"' if position == current else ""
        parts.append(
            f'<li><button type="submit" form="answer-form" name="go" value="{position}"'
            f' class="{classes}"{step}>{position}{mark}'
            f'<span class="visually-hidden">{said}</span></button></li>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - ints and fixed strings only
