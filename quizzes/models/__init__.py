"""The assessment's models, one module per capability; all keep the app label `quizzes`."""

from __future__ import annotations

from quizzes.models.bank import (
    Choice,
    ChoiceQuerySet,
    Correction,
    CorrectionNotice,
    CorrectionQuerySet,
    Question,
    QuestionQuerySet,
    QuestionReport,
)
from quizzes.models.exams import (
    Attempt,
    AttemptItem,
    AttemptQuerySet,
    BlueprintWeight,
    ExamBlueprint,
)
from quizzes.models.learners import LearnerProfile
from quizzes.models.practice import PracticeAnswer
from quizzes.models.review import ReviewCard, ReviewCardQuerySet

__all__ = [
    "Attempt",
    "AttemptItem",
    "AttemptQuerySet",
    "BlueprintWeight",
    "Choice",
    "ChoiceQuerySet",
    "Correction",
    "CorrectionNotice",
    "CorrectionQuerySet",
    "ExamBlueprint",
    "LearnerProfile",
    "PracticeAnswer",
    "Question",
    "QuestionQuerySet",
    "QuestionReport",
    "ReviewCard",
    "ReviewCardQuerySet",
]
