"""The assessment: questions, their choices, learners' answers and reports."""

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


class LearnerProfile(models.Model):
    """Per-learner settings; today, the extra exam time they are allowed (WCAG 2.2.1)."""

    class ExtraTime(models.TextChoices):
        NONE = "1.0", "Standard time"
        HALF = "1.5", "Time and a half (×1.5)"
        DOUBLE = "2.0", "Double time (×2)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    time_multiplier = models.CharField(
        "exam time", max_length=3, choices=ExtraTime.choices, default=ExtraTime.NONE
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.get_time_multiplier_display()}"


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


class ReviewCardQuerySet(models.QuerySet):
    def for_user(self, user) -> ReviewCardQuerySet:
        return self.filter(user=user) if user.is_authenticated else self.none()

    def live(self) -> ReviewCardQuerySet:
        """Cards whose question a learner can still be shown."""
        return self.filter(question__status=Question.Status.PUBLISHED)

    def due_by(self, moment) -> ReviewCardQuerySet:
        return self.filter(due__lte=moment)


class ReviewCard(models.Model):
    """One learner's memory of one question, scheduled by FSRS (`quizzes.review`).

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


class CorrectionQuerySet(SlugQuerySet):
    def key_changes(self) -> CorrectionQuerySet:
        return self.filter(key_changed=True, question__isnull=False)


class Correction(models.Model):
    """A fix to shipped content, listed publicly with its date and a one-line reason.

    When it moves a question's key, every learner who had answered that question
    gets a `CorrectionNotice` and their review card for it starts again
    (`quizzes.corrections.correction_record`).
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
