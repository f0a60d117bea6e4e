"""The question bank: questions, their choices, learners' reports and published corrections."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lessons.models import Layer, Lesson, Responsibility, Service, SlugQuerySet
from lessons.sources import Source, sources_from_data, validate_source_list


class QuestionQuerySet(models.QuerySet):
    def get_by_natural_key(self, ref: str):
        return self.get(ref=ref)

    def published(self) -> QuestionQuerySet:
        return self.filter(status=Question.Status.PUBLISHED)

    def exam_shaped(self) -> QuestionQuerySet:
        """Items in the real exam's two forms: 4 options with 1 key, or 5+ with 2+ keys.

        Owner items (AWS / Customer / Shared) teach well in practice but are a
        format CLF-C02 never uses, so timed exams leave them out.
        """
        choices = Choice.objects.filter(question=OuterRef("pk")).order_by().values("question")
        total = choices.annotate(n=Count("pk")).values("n")
        keys = choices.filter(is_correct=True).annotate(n=Count("pk")).values("n")
        shaped = self.annotate(
            choice_total=Coalesce(Subquery(total), 0), key_total=Coalesce(Subquery(keys), 0)
        )
        return shaped.filter(
            Q(kind=Question.Kind.SINGLE, choice_total=4, key_total=1)
            | Q(
                kind=Question.Kind.MULTIPLE,
                choice_total__gte=5,
                key_total__gte=2,
                choose=F("key_total"),
            )
        )

    def for_service(self, service: Service) -> QuestionQuerySet:
        return self.filter(services=service)

    def for_layer(self, layer: Layer) -> QuestionQuerySet:
        return self.filter(layers=layer)

    def for_lesson(self, lesson: Lesson) -> QuestionQuerySet:
        return self.filter(lesson=lesson)

    def missed_by(self, user) -> QuestionQuerySet:
        """Questions whose latest answer by this learner (practice or exam) was wrong."""
        return (
            self.filter(review_cards__user=user, review_cards__last_rating=1)
            if user.is_authenticated
            else self.none()
        )

    def unseen_by(self, user) -> QuestionQuerySet:
        """Questions this learner has never answered in practice nor met in an exam."""
        if not user.is_authenticated:
            return self.none()
        return self.exclude(answers__user=user).exclude(attempt_items__attempt__user=user)


class Question(models.Model):
    """An exam-style question with its choices (see `quizzes.bank.validation` for the rules)."""

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
    sources = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_source_list],
        help_text="The AWS pages that support the key and the explanation; shown after "
        "answering. A question can't be published without one.",
    )
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
    history = HistoricalRecords(excluded_fields=["updated_at"])

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

    @property
    def source_list(self) -> list[Source]:
        return sources_from_data(self.sources)


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
    history = HistoricalRecords()

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


class CorrectionQuerySet(SlugQuerySet):
    def key_changes(self) -> CorrectionQuerySet:
        return self.filter(key_changed=True, question__isnull=False)


class Correction(models.Model):
    """A fix to shipped content, listed publicly with its date and a one-line reason.

    When it moves a question's key, every learner who had answered that question
    gets a `CorrectionNotice` and their review card for it starts again
    (`quizzes.bank.corrections.correction_record`).
    """

    slug = models.SlugField(unique=True, max_length=80, help_text="Stable id, e.g. 2026-12-p-039.")
    corrected_on = models.DateField(help_text="The day the content was corrected.")
    question = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
    )
    question_ref = models.SlugField(
        blank=True, db_index=False, help_text="The question's ref; kept if it is deleted."
    )
    cell = models.ForeignKey(
        Responsibility,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        verbose_name="matrix cell",
    )
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    summary = models.CharField(
        max_length=300, help_text="One line for learners: what was wrong and what is right now."
    )
    key_changed = models.BooleanField(
        default=False,
        help_text="The question's answer key moved: learners who answered it "
        "are told and see it again in review.",
    )
    # When this site recorded it: exam results from before it get a "since corrected" note.
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-corrected_on", "-recorded_at", "slug"]

    def __str__(self) -> str:
        return f"{self.corrected_on:%Y-%m-%d} {self.target_label}: {self.summary[:60]}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def target_label(self) -> str:
        """What was corrected, in words: a question's ref, a matrix cell, a lesson."""
        if self.question_ref:
            return f"Question {self.question_ref}"
        if self.cell_id:
            return f"Matrix: {self.cell.service.short_name} · {self.cell.layer.name}"
        if self.lesson_id:
            return f"Lesson: {self.lesson.title}"
        return "Content"


class CorrectionNotice(models.Model):
    """Tells one learner that a question they answered had its key corrected."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_notices"
    )
    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "correction"], name="one_notice_per_learner_and_correction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.correction}"
