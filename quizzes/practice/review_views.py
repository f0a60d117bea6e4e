"""The review page: the learner's due cards one at a time, answered like practice
(topic "review"); the cards and their schedule are quizzes.review's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from quizzes.models import ReviewCard
from quizzes.practice import session as practice_session
from quizzes.practice.questions import topic_get_or_404
from quizzes.review.cards import due_count, next_card
from srm_site.shared.http import HtmxHttpRequest


@login_required
@require_GET
def review(request: HtmxHttpRequest) -> TemplateResponse:
    """The most overdue card; answers go through practice's answer view (topic "review")."""
    topic = topic_get_or_404("review")
    card = next_card(request.user)
    upcoming = None
    if card is None:
        upcoming = ReviewCard.objects.for_user(request.user).live().order_by("due").first()
    context = {
        "topic": topic,
        "card": card,
        "question": card.question if card else None,
        "upcoming": upcoming,
        "tally": practice_session.tally(request.session, topic.key),
        # A plain number (the header's is lazy): the page counts it in words.
        "review_due": due_count(request.user) if card else 0,
    }
    return TemplateResponse(request, "quizzes/review.html", context)
