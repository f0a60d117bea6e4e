"""The assessment: questions, their choices, learners' answers and reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from lessons.models import Layer, Lesson, Responsibility, Service


class QuestionQuerySet(models.QuerySet):
    def get_by_natural_key(self, ref: str):
        return self.get(ref=ref)

    def published(self) -> QuestionQuerySet:
        return self.filter(status=Question.Status.PUBLISHED)

    def for_service(self, service: Service) -> QuestionQuerySet:
        return self.filter(services=service)

    def for_layer(self, layer: Layer) -> QuestionQuerySet:
        return self.filter(layers=layer)

    def for_lesson(self, lesson: Lesson) -> QuestionQuerySet:
        return self.filter(lesson=lesson)


class Question(models.Model):
    """An exam-style question with its choices (see `quizzes.validation` for the rules)."""

    class Kind(models.TextChoices):
        SINGLE = "single", "Single answer"
        MULTIPLE = "multiple", "Multiple answers (choose N)"
        OWNER = "owner", "Who is responsible? (AWS / Customer / Shared)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Difficulty(models.IntegerChoices):
        RECALL = 1, "1 · recall"
        APPLY = 2, "2 · apply"
        ANALYSE = 3, "3 · tricky"

    ref = models.SlugField(
        unique=True, help_text="Stable identifier, used by import and export (e.g. k-014)."
    )
    stem = models.TextField(help_text="Scenario and question, in Markdown.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    choose = models.PositiveSmallIntegerField(
        default=1, help_text="How many choices the learner must pick (1 unless multiple)."
    )
    explanation = models.TextField(help_text="Why the key is right; shown after answering.")
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.APPLY
    )
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.PROTECT,
        related_name="questions",
        help_text="The lesson to reread after a wrong answer.",
    )
    services = models.ManyToManyField(Service, blank=True, related_name="questions")
    layers = models.ManyToManyField(Layer, blank=True, related_name="questions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__in=[1, 2, 3]), name="difficulty_1_to_3"
            ),
            models.CheckConstraint(condition=Q(choose__gte=1), name="choose_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.ref}: {self.stem[:70]}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:practice_question", kwargs={"pk": self.pk})

    def natural_key(self) -> tuple[str]:
        return (self.ref,)


class ChoiceQuerySet(models.QuerySet):
    def get_by_natural_key(self, ref: str, position: int):
        return self.get(question__ref=ref, position=position)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)
    rationale = models.TextField(
        blank=True, help_text="Shown to a learner who picks this choice: why it is right or wrong."
    )

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="one_choice_per_position"
            )
        ]

    def __str__(self) -> str:
        return self.text

    def natural_key(self) -> tuple[str, int]:
        return (*self.question.natural_key(), self.position)

    natural_key.dependencies = ["quizzes.question"]


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
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
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
    topic = models.CharField(max_length=120, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, cell__isnull=True)
                | Q(question__isnull=True, cell__isnull=False),
                name="answer_to_question_or_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{'right' if self.correct else 'wrong'} answer to {self.question or self.cell}"


class QuestionReport(models.Model):
    """A learner's report that a question looks wrong or unclear."""

    class Reason(models.TextChoices):
        KEY_WRONG = "key-wrong", "The answer key looks wrong"
        UNCLEAR = "unclear", "The question is unclear"
        OTHER = "other", "Something else"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="one_report_per_learner")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.question.ref}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
