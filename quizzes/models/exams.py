"""Exams: blueprints and their weights, attempts and their items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from lessons.models import Layer, Service, SlugQuerySet
from quizzes.models.bank import Question


class ExamBlueprint(models.Model):
    """A kind of practice exam: how many questions, how long, and how it is scored."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    question_count = models.PositiveSmallIntegerField()
    unscored_count = models.PositiveSmallIntegerField(
        default=0,
        help_text="Questions picked at random, not marked and not counted (as on CLF-C02).",
    )
    minutes = models.PositiveSmallIntegerField()
    pass_score = models.PositiveSmallIntegerField(default=700, help_text="Scaled, 100–1000.")
    shuffle_choices = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["position", "question_count"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unscored_count__lt=models.F("question_count")),
                name="some_questions_are_scored",
            ),
            models.CheckConstraint(
                condition=Q(pass_score__gte=100, pass_score__lte=1000), name="pass_score_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def scored_count(self) -> int:
        return self.question_count - self.unscored_count


class BlueprintWeight(models.Model):
    """A share of a blueprint's questions reserved for one service or one layer."""

    blueprint = models.ForeignKey(ExamBlueprint, on_delete=models.CASCADE, related_name="weights")
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    layer = models.ForeignKey(
        Layer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    percent = models.PositiveSmallIntegerField(
        help_text="Share of the exam's questions drawn from this service or layer (1–100)."
    )

    class Meta:
        ordering = ["-percent"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False, layer__isnull=True)
                | Q(service__isnull=True, layer__isnull=False),
                name="weight_on_a_service_or_a_layer",
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=1, percent__lte=100), name="weight_percent_1_to_100"
            ),
            models.UniqueConstraint(
                fields=["blueprint", "service"], name="one_weight_per_service"
            ),
            models.UniqueConstraint(fields=["blueprint", "layer"], name="one_weight_per_layer"),
        ]

    def __str__(self) -> str:
        return f"{self.service or self.layer}: {self.percent}%"


class AttemptQuerySet(models.QuerySet):
    def for_user(self, user) -> AttemptQuerySet:
        return self.filter(user=user) if user.is_authenticated else self.none()

    def in_progress(self) -> AttemptQuerySet:
        return self.filter(state=Attempt.State.IN_PROGRESS)


class Attempt(models.Model):
    """One sitting of an exam blueprint by one learner. The server owns its clock."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Time ran out"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    blueprint = models.ForeignKey(ExamBlueprint, on_delete=models.PROTECT, related_name="attempts")
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    time_multiplier = models.CharField(max_length=3, default="1.0")
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Scored items right."
    )
    scored_count = models.PositiveSmallIntegerField(default=0)
    scaled_score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # A second tab or a double click can't start two live attempts of one exam.
            models.UniqueConstraint(
                fields=["user", "blueprint"],
                condition=Q(state="in_progress"),
                name="one_live_attempt_per_exam",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.blueprint} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.state != self.State.IN_PROGRESS


class AttemptItem(models.Model):
    """One question of an attempt, with what the learner has chosen so far."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    # The question may later be edited or deleted; `snapshot` keeps what the learner saw.
    question = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attempt_items",
    )
    snapshot = models.JSONField(
        default=dict,
        blank=True,
        help_text="The question as the learner saw it when the attempt started: stem, "
        "choices with the key and rationales, explanation, lesson, services and layers.",
    )
    position = models.PositiveSmallIntegerField()
    # The snapshot's "choose", as a column: the navigator needs it for every item
    # on every exam page, and reading it out of each snapshot's JSON cost more
    # than the rest of that query.
    choose = models.PositiveSmallIntegerField(
        default=1, help_text="How many choices the question asks for (from the snapshot)."
    )
    choice_order = models.JSONField(default=list, help_text="Choice ids in display order.")
    selected = models.JSONField(default=list)
    flagged = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    scored = models.BooleanField(default=True)
    correct = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="question_once_per_attempt"
            ),
            models.UniqueConstraint(fields=["attempt", "position"], name="one_item_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.position}"
