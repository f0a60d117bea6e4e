"""The "check yourself" card a lesson page shows: one of the lesson's questions.

The lesson template asks for it with `{% check_yourself lesson %}`, so lessons
need nothing from quizzes: the dependency runs from quizzes to lessons only.
"""

from __future__ import annotations

from django import template

from quizzes.practice.questions import Topic, lesson_question_pick

register = template.Library()


@register.inclusion_tag("quizzes/_check_yourself.html", takes_context=True)
def check_yourself(context: template.Context, lesson) -> dict:
    """One published question of `lesson` with its choices (one query), answered in place."""
    question, choices = lesson_question_pick(lesson_id=lesson.pk) or (None, [])
    return {
        "request": context.get("request"),
        "question": question,
        "choices": choices,
        "topic": Topic(kind="lesson", slug=lesson.slug, label=lesson.title, subject=lesson),
        "in_lesson": True,  # the lesson page has no practice tally to update
    }
