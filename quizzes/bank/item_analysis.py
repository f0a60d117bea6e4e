"""Item analysis: how each bank question performs with learners, computed in SQL.

Every statistic is an annotation (correlated subqueries), so the admin's question
list can show and sort by them with a fixed number of queries however large the
bank is. "Answers" to a question are signed-in learners' practice answers plus the
answered items of finished (submitted or expired) exam attempts; in-progress
attempts and items left blank are not counted. Guests' practice answers are kept
(their feedback page reads them) but never counted: anyone can post them, as
many as they like, so they could push a question over a flag's threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import NotSupportedError
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Sqrt
from django.db.models.lookups import GreaterThan

from quizzes.models import Attempt, AttemptItem, Choice, PracticeAnswer, Question

FINISHED = [Attempt.State.SUBMITTED, Attempt.State.EXPIRED]

# Flag thresholds (classical test theory rules of thumb).
MIN_ANSWERS_TO_JUDGE = 20  # below this, facility and unpicked distractors are noise
TOO_HARD_BELOW = 0.2  # facility under this: key wrong, stem misleading, or untaught
TOO_EASY_ABOVE = 0.95  # facility over this: the question tells nobody anything
NEGATIVE_DISCRIMINATION_BELOW = 0.0  # stronger learners miss it more than weaker ones

FLAG_TOO_HARD = "too hard"
FLAG_TOO_EASY = "too easy"
FLAG_NEGATIVE_DISCRIMINATION = "negative discrimination"
FLAG_DEAD_DISTRACTOR = "distractor nobody picks"

# A variance this small means every attempt had the same score fraction.
_VARIANCE_EPSILON = 1e-12


class JSONArrayContains(Func):
    """True when the JSON array in the first expression holds the number in the second.

    `selected` columns hold lists of choice ids; this tests membership in SQL on
    SQLite (json_each) and PostgreSQL (jsonb containment; a jsonb array
    "contains" a scalar it lists).
    """

    arity = 2
    output_field = BooleanField()

    def _compiled(self, compiler) -> tuple[str, str, tuple]:
        array, value = self.get_source_expressions()
        array_sql, array_params = compiler.compile(array)
        value_sql, value_params = compiler.compile(value)
        return array_sql, value_sql, (*array_params, *value_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        array_sql, value_sql, params = self._compiled(compiler)
        sql = (
            f"EXISTS (SELECT 1 FROM json_each({array_sql}) AS picked"
            f" WHERE picked.value = {value_sql})"
        )
        return sql, params

    def as_postgresql(self, compiler, connection, **extra_context):
        # Django stores JSONField as jsonb on PostgreSQL.
        array_sql, value_sql, params = self._compiled(compiler)
        return f"({array_sql} @> to_jsonb(({value_sql})::bigint))", params

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("JSONArrayContains supports SQLite and PostgreSQL only.")


class NullsLast(OrderBy):
    """An ordering that keeps empty values last in both directions (the admin flips it)."""

    def __init__(self, name: str, descending: bool = False) -> None:
        super().__init__(F(name), descending=descending, nulls_last=True)

    def reverse_ordering(self):
        self.descending = not self.descending
        return self


def _counted(queryset: QuerySet, group_by: str) -> Coalesce:
    """The number of rows in a correlated queryset, 0 when there are none."""
    rows = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _practice_answers(question_ref: str) -> QuerySet[PracticeAnswer]:
    """Signed-in learners' practice answers to the outer question (guests' don't count)."""
    return PracticeAnswer.objects.filter(question=OuterRef(question_ref), user__isnull=False)


def _answered_items(question_ref: str) -> QuerySet[AttemptItem]:
    return AttemptItem.objects.filter(
        question=OuterRef(question_ref),
        attempt__state__in=FINISHED,
        answered_at__isnull=False,
    )


def _picks() -> Coalesce:
    """On a Choice queryset: how many answers to its question selected it."""
    picked = JSONArrayContains(F("selected"), OuterRef("pk"))
    practice = _practice_answers("question").filter(picked)
    items = _answered_items("question").filter(picked)
    return _counted(practice, "question") + _counted(items, "question")


def _discrimination() -> Subquery:
    """The point-biserial between right/wrong on the item and the attempt's score fraction."""
    graded = AttemptItem.objects.filter(
        question=OuterRef("pk"),
        scored=True,
        correct__isnull=False,
        attempt__state__in=FINISHED,
        attempt__score__isnull=False,
        attempt__scored_count__gt=0,
    )
    fraction = Cast("attempt__score", FloatField()) / Cast("attempt__scored_count", FloatField())
    right = Q(correct=True)
    stats = (
        graded.order_by()
        .values("question")
        .annotate(
            n=Cast(Count("pk"), FloatField()),
            n_right=Cast(Count("pk", filter=right), FloatField()),
            m1=Avg(fraction, filter=right),
            m0=Avg(fraction, filter=~right),
            mean=Avg(fraction),
            mean_sq=Avg(fraction * fraction),
        )
        .annotate(variance=F("mean_sq") - F("mean") * F("mean"), p=F("n_right") / F("n"))
        .annotate(
            r=Case(
                When(
                    GreaterThan(F("variance"), _VARIANCE_EPSILON),
                    then=(F("m1") - F("m0"))
                    / Sqrt(F("variance"))
                    * Sqrt(F("p") * (Value(1.0) - F("p"))),
                ),
                default=None,
                output_field=FloatField(),
            )
        )
        .values("r")
    )
    return Subquery(stats, output_field=FloatField())


def questions_with_statistics(queryset: QuerySet[Question]) -> QuerySet[Question]:
    """Annotate questions with their item statistics, all in the one query.

    - `answered`: signed-in learners' practice answers plus answered items of
      finished attempts.
    - `facility`: the share of those answers that were right (None without answers).
    - `discrimination`: the point-biserial correlation r_pb between getting the item
      right and the attempt's score fraction (score / scored_count), over the scored
      items of finished attempts (an item left blank counts as wrong, as it did in
      the score). It is the *uncorrected* point-biserial: the item counts in its own
      total, which inflates r a little on short exams. Computed from aggregates as
      r = (M1 - M0) / s * sqrt(p (1 - p)), with M1 and M0 the mean fractions of
      those who got it right and wrong, p the share right and s the (population)
      standard deviation of the fraction, from avg(x²) - avg(x)². It needs answers
      from both groups (else None), and None too when every attempt scored the same.
    - `min_distractor_picks`: the fewest picks any wrong choice got (None when the
      question has no wrong choice).
    """
    practice = _practice_answers("pk")
    items = _answered_items("pk")
    answered = _counted(practice, "question") + _counted(items, "question")
    right = _counted(practice.filter(correct=True), "question") + _counted(
        items.filter(correct=True), "question"
    )
    fewest = (
        Choice.objects.filter(question=OuterRef("pk"), is_correct=False)
        .annotate(picks=_picks())
        .order_by("picks")
        .values("picks")[:1]
    )
    return queryset.annotate(
        answered=answered,
        answered_right=right,
        facility=Cast(F("answered_right"), FloatField()) / NullIf(F("answered"), 0),
        discrimination=_discrimination(),
        min_distractor_picks=Subquery(fewest, output_field=IntegerField()),
    )


def choices_with_picks(question: Question) -> QuerySet[Choice]:
    """The question's choices in order, each annotated with `picks`."""
    return question.choices.annotate(picks=_picks()).order_by("position", "pk")


@dataclass(frozen=True)
class ChoiceStatistics:
    choice: Choice
    picks: int
    share: float | None  # of the question's answers


@dataclass(frozen=True)
class ItemStatistics:
    answered: int
    facility: float | None
    discrimination: float | None
    choices: list[ChoiceStatistics]
    flags: list[str]


def item_statistics(question: Question) -> ItemStatistics:
    """Everything the question's statistics panel shows (two queries)."""
    row = questions_with_statistics(Question.objects.filter(pk=question.pk)).values(
        "answered", "facility", "discrimination", "min_distractor_picks"
    )[0]
    choices = list(choices_with_picks(question))
    answered = row["answered"]
    return ItemStatistics(
        answered=answered,
        facility=row["facility"],
        discrimination=row["discrimination"],
        choices=[
            ChoiceStatistics(
                choice=choice,
                picks=choice.picks,
                share=choice.picks / answered if answered else None,
            )
            for choice in choices
        ],
        flags=item_flags(
            answered=answered,
            facility=row["facility"],
            discrimination=row["discrimination"],
            min_distractor_picks=row["min_distractor_picks"],
        ),
    )


def item_flags(
    *,
    answered: int,
    facility: float | None,
    discrimination: float | None,
    min_distractor_picks: int | None,
) -> list[str]:
    """Warnings worth an author's look, in words. Pure: no database."""
    flags: list[str] = []
    judged = answered >= MIN_ANSWERS_TO_JUDGE
    if judged and facility is not None:
        if facility < TOO_HARD_BELOW:
            flags.append(FLAG_TOO_HARD)
        elif facility > TOO_EASY_ABOVE:
            flags.append(FLAG_TOO_EASY)
    if discrimination is not None and discrimination < NEGATIVE_DISCRIMINATION_BELOW:
        flags.append(FLAG_NEGATIVE_DISCRIMINATION)
    if judged and min_distractor_picks == 0:
        flags.append(FLAG_DEAD_DISTRACTOR)
    return flags


@dataclass(frozen=True)
class ExportStatistics:
    """A question's statistics as the CSV export writes them."""

    answered: int
    facility: float | None
    discrimination: float | None
    flags: list[str]
    picks: list[int]  # one per choice, in position order


def statistics_by_ref(questions: QuerySet[Question]) -> dict[str, ExportStatistics]:
    """The item statistics of many questions, by ref, in two queries (the CSV export)."""
    chosen = Question.objects.filter(pk__in=questions.values("pk"))
    rows = questions_with_statistics(chosen).values(
        "pk", "ref", "answered", "facility", "discrimination", "min_distractor_picks"
    )
    picks: dict[int, list[int]] = {}
    choices = (
        Choice.objects.filter(question__in=chosen.values("pk"))
        .annotate(picks=_picks())
        .order_by("question", "position", "pk")
        .values_list("question", "picks")
    )
    for question_id, n in choices:
        picks.setdefault(question_id, []).append(n)
    return {
        row["ref"]: ExportStatistics(
            answered=row["answered"],
            facility=row["facility"],
            discrimination=row["discrimination"],
            flags=item_flags(
                answered=row["answered"],
                facility=row["facility"],
                discrimination=row["discrimination"],
                min_distractor_picks=row["min_distractor_picks"],
            ),
            picks=picks.get(row["pk"], []),
        )
        for row in rows
    }
