"""Spaced-repetition review cards (FSRS)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from quizzes.models.bank import Question


class ReviewCardQuerySet(models.QuerySet):
    def for_user(self, user) -> ReviewCardQuerySet:
        return self.filter(user=user) if user.is_authenticated else self.none()

    def live(self) -> ReviewCardQuerySet:
        """Cards whose question a learner can still be shown."""
        return self.filter(question__status=Question.Status.PUBLISHED)

    def due_by(self, moment) -> ReviewCardQuerySet:
        return self.filter(due__lte=moment)


class ReviewCard(models.Model):
    """One learner's memory of one question, scheduled by FSRS (`quizzes.review.cards`).

    The scheduler's state is kept in columns, not a JSON blob, so "what is due"
    is one indexed query.
    """

    LEECH_LAPSES = 8  # Anki's default: a card failed this often needs a different approach

    class State(models.IntegerChoices):
        # The values are fsrs.State's.
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    last_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 again · 2 hard · 3 good · 4 easy"
    )
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0, help_text="Times answered wrong.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewCardQuerySet.as_manager()

    class Meta:
        ordering = ["due"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_card_per_question")
        ]
        indexes = [models.Index(fields=["user", "due"], name="review_card_user_due")]

    def __str__(self) -> str:
        return f"{self.user} · {self.question.ref} · due {self.due:%Y-%m-%d %H:%M}"

    @property
    def is_leech(self) -> bool:
        return self.lapses >= self.LEECH_LAPSES
