"""Template context every page gets."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from quizzes.review.cards import header_due_count


def review_due(request) -> dict:
    """How many review cards are due, for the header; read only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"review_due": SimpleLazyObject(lambda: header_due_count(user))}
