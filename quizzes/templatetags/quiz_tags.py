from __future__ import annotations

from django import template

from quizzes.practice import Topic, question_pick

register = template.Library()


@register.inclusion_tag("quizzes/_check_yourself.html", takes_context=True)
def check_yourself(context, lesson) -> dict:
    """One published question from the lesson's bank, answered in place."""
    topic = Topic(kind="lesson", slug=lesson.slug, label=lesson.title, subject=lesson)
    return {
        "question": question_pick(topic=topic),
        "topic": topic,
        "in_lesson": True,  # the lesson page has no practice tally to update
        "request": context.get("request"),
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
    }
