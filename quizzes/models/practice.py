"""Practice answers: every answer a learner gives outside an exam."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lessons.models import Responsibility
from quizzes.models.bank import Question


class PracticeAnswer(models.Model):
    """One answer given in practice: to a bank question or to a matrix drill cell.

    Kept for every learner (guests included) so nothing answered is lost and the
    bank's statistics have data.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="practice_answers",
    )
    # A question deleted later leaves its answers in place (the learner's record
    # and accuracy don't change); its ref says which question it was.
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    question_ref = models.SlugField(
        blank=True,
        db_index=False,
        help_text="The question's ref when answered; kept if it is deleted.",
    )
    cell = models.ForeignKey(
        Responsibility,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drill_answers",
    )
    selected = models.JSONField(help_text="Choice ids, or the owner picked in a drill.")
    correct = models.BooleanField()
    sure = models.BooleanField(
        null=True, blank=True, help_text="Whether the learner said they were sure, when asked."
    )
    topic = models.CharField(max_length=120, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Never both; a cell always, a question unless deleted since.
            models.CheckConstraint(
                condition=Q(question__isnull=True) | Q(cell__isnull=True),
                name="answer_to_question_or_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{'right' if self.correct else 'wrong'} answer to {self.question or self.cell}"
