"""The learner's dashboard: where they stand and what to do next.

Every figure is aggregated in SQL, so the page costs the same few queries for a
learner with five answers or five thousand. The functions that turn those
aggregates into a page (bands, the chart, the readiness estimate) are pure.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from lessons.models import Layer, Lesson, Service
from quizzes.bank.corrections import notices_for
from quizzes.exams.attempts import COUNTED_ITEMS, scaled_score
from quizzes.exams.results import Area, Breakdown
from quizzes.models import (
    Attempt,
    AttemptItem,
    LearnerProfile,
    PracticeAnswer,
    Question,
    ReviewCard,
)
from quizzes.review.cards import due_cutoff
from srm_site.shared.time_zones import learner_zone

RECENT = timedelta(days=60)  # answers older than this don't shape "where you stand now"
HISTORY_LENGTH = 30  # attempts drawn on the score chart
READINESS_MIN_ANSWERS = 20
PASS_MARK = 700
EXAM_SCORED_QUESTIONS = 50  # CLF-C02 scores 50 of its 65 questions


# --- Tallies and the mastery map -------------------------------------------------


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, right: int, total: int) -> None:
        self.right += right
        self.total += total

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.total) if self.total else 0

    @property
    def band(self) -> str:
        """strong (80 %+), fair (50–79 %), weak (under 50 %) or unseen."""
        if not self.total:
            return "unseen"
        if self.percent >= 80:
            return "strong"
        return "fair" if self.percent >= 50 else "weak"


BANDS = {
    "strong": "80% or more right",
    "fair": "50–79% right",
    "weak": "under 50% right",
    "unseen": "not yet seen",
}


def _graded_answers(
    user, *, exam_shaped: bool = False
) -> tuple[QuerySet[PracticeAnswer], QuerySet[AttemptItem]]:
    """The learner's answers to bank questions: in practice, and in finished exams
    (`COUNTED_ITEMS`: an unanswered scored item is a wrong answer, as on the result).
    Each has a `when` alias: when it was answered, or when its exam ended.

    With `exam_shaped`, only answers to questions in the real exam's two forms.
    """
    practice = (
        PracticeAnswer.objects.filter(user=user, question__isnull=False)
        .alias(when=F("answered_at"))
        .order_by()
    )
    exam = (
        AttemptItem.objects.filter(
            COUNTED_ITEMS,
            attempt__user=user,
            attempt__state__in=[Attempt.State.SUBMITTED, Attempt.State.EXPIRED],
        )
        .alias(when=Coalesce("answered_at", "attempt__finished_at"))
        .order_by()
    )
    if exam_shaped:
        shaped = Question.objects.exam_shaped().values("pk")
        practice, exam = practice.filter(question__in=shaped), exam.filter(question__in=shaped)
    return practice, exam


def _tally_by(queryset: QuerySet, *fields: str, since: datetime) -> Iterable[dict]:
    """Right and total per combination of `fields`: ever, and since a moment."""
    recent = Q(when__gte=since)
    return queryset.values(*fields).annotate(
        total=Count("pk"),
        right=Count("pk", filter=Q(correct=True)),
        recent_total=Count("pk", filter=recent),
        recent_right=Count("pk", filter=recent & Q(correct=True)),
    )


CellTallies = dict[tuple[int, int], Tally]


def cell_tallies(
    user, *, since: datetime, exam_shaped: bool = False
) -> tuple[CellTallies, CellTallies]:
    """(service id, layer id) -> Tally over questions tagged with both: ever, and
    since a moment (two queries). `exam_shaped` as in `_graded_answers`."""
    practice, exam = _graded_answers(user, exam_shaped=exam_shaped)
    ever: CellTallies = defaultdict(Tally)
    recent: CellTallies = defaultdict(Tally)
    for queryset in (practice, exam):
        rows = _tally_by(queryset, "question__services", "question__layers", since=since)
        for row in rows:
            cell = (row["question__services"], row["question__layers"])
            if all(cell):
                ever[cell].add(row["right"], row["total"])
                if row["recent_total"]:
                    recent[cell].add(row["recent_right"], row["recent_total"])
    return ever, recent


@dataclass(frozen=True)
class AnswerBasis:
    """Which answers an estimate used: in practice, in exams, and how many of the exam
    ones were scored questions left unanswered (counted wrong)."""

    practice: Tally
    exam: Tally
    unanswered: int = 0

    @property
    def total(self) -> Tally:
        return Tally(
            right=self.practice.right + self.exam.right,
            total=self.practice.total + self.exam.total,
        )


def answer_basis(user, *, since: datetime, exam_shaped: bool = False) -> AnswerBasis:
    """Right and total of every graded answer since a moment, practice and exams apart
    (two queries). `exam_shaped` as in `_graded_answers`."""
    practice, exam = _graded_answers(user, exam_shaped=exam_shaped)
    counts = {"total": Count("pk"), "right": Count("pk", filter=Q(correct=True))}
    in_practice = practice.filter(when__gte=since).aggregate(**counts)
    in_exams = exam.filter(when__gte=since).aggregate(
        **counts, unanswered=Count("pk", filter=Q(answered_at__isnull=True))
    )
    return AnswerBasis(
        practice=Tally(right=in_practice["right"], total=in_practice["total"]),
        exam=Tally(right=in_exams["right"], total=in_exams["total"]),
        unanswered=in_exams["unanswered"],
    )


@dataclass(frozen=True)
class MasteryRow:
    layer: Layer
    cells: list[Tally]  # one per service, in column order


def mastery_rows(
    *, services: Sequence[Service], layers: Sequence[Layer], cells: dict
) -> list[MasteryRow]:
    """The grid in the matrix's shape: top of the stack first, a column per service."""
    ordered = sorted(layers, key=lambda layer: layer.position, reverse=True)
    return [
        MasteryRow(layer=layer, cells=[cells.get((s.pk, layer.pk), Tally()) for s in services])
        for layer in ordered
    ]


def area_breakdown(
    user, *, services: Sequence[Service], layers: Sequence[Layer], since: datetime
) -> Breakdown:
    """Right/total per service and per layer since a moment (four queries)."""
    practice, exam = _graded_answers(user)
    by_kind = {}
    for kind, tags, field in (
        ("service", services, "question__services"),
        ("layer", layers, "question__layers"),
    ):
        areas = {
            tag.pk: Area(kind=kind, slug=tag.slug, name=tag.name, home_lesson=tag.lesson)
            for tag in tags
        }
        for queryset in (practice, exam):
            for row in _tally_by(queryset, field, since=since):
                area = areas.get(row[field])
                if area:
                    area.right += row["recent_right"]
                    area.total += row["recent_total"]
        by_kind[kind] = [area for area in areas.values() if area.total]
    return Breakdown(services=by_kind["service"], layers=by_kind["layer"])


# --- Readiness -------------------------------------------------------------------


@dataclass(frozen=True)
class Readiness:
    answers: int  # recent answers behind the estimate
    score: int = 0
    low: int = 0
    high: int = 0
    pass_chance: int = 0  # percent

    @property
    def enough(self) -> bool:
        return self.answers >= READINESS_MIN_ANSWERS

    @property
    def answers_needed(self) -> int:
        return max(0, READINESS_MIN_ANSWERS - self.answers)

    @property
    def likely_pass(self) -> bool:
        return self.score >= PASS_MARK


def readiness_estimate(
    *,
    recent: dict[tuple[int, int], Tally],
    bank: dict[tuple[int, int], int],
    answered: Tally | None = None,
) -> Readiness:
    """The scaled score the learner would likely get now, with a 90 % range.

    Each (service, layer) cell's recent accuracy is weighted by that cell's share
    of the bank (the exam draws from the bank). A cell with few answers leans on
    the learner's overall recent accuracy (two answers' worth of prior), and a
    cell never answered takes that overall accuracy. The range adds two
    uncertainties: how well the recent answers pin down the learner's accuracy,
    and the luck of which 50 questions an exam scores.

    `answered` counts each answer once, tagged or not (`answer_basis`): an answer to
    a question on several cells is in each of their tallies. Without it, every
    answer is taken to be on one cell.
    """
    if answered is None:
        answered = Tally(
            right=sum(tally.right for tally in recent.values()),
            total=sum(tally.total for tally in recent.values()),
        )
    answers = answered.total
    if answers < READINESS_MIN_ANSWERS or not bank:
        return Readiness(answers=answers)
    overall = answered.right / answers
    prior = 2
    weight_total = sum(bank.values())
    p = 0.0
    for cell, weight in bank.items():
        tally = recent.get(cell, Tally())
        p += weight / weight_total * (tally.right + prior * overall) / (tally.total + prior)
    variance = p * (1 - p) * (1 / answers + 1 / EXAM_SCORED_QUESTIONS)
    spread = 1.645 * math.sqrt(variance)  # 90 % of a normal distribution

    def scaled(fraction: float) -> int:
        fraction = min(1.0, max(0.0, fraction))
        return scaled_score(right=round(fraction * 1000), scored=1000)

    pass_fraction = (PASS_MARK - 100) / 900
    sigma = math.sqrt(variance) or 1e-9
    chance = 0.5 * (1 + math.erf((p - pass_fraction) / (sigma * math.sqrt(2))))
    return Readiness(
        answers=answers,
        score=scaled(p),
        low=scaled(p - spread),
        high=scaled(p + spread),
        pass_chance=round(100 * chance),
    )


def bank_cells() -> dict[tuple[int, int], int]:
    """(service id, layer id) -> how many published exam-shaped questions (what a timed
    exam draws from) are tagged with both."""
    rows = (
        Question.objects.published()
        .filter(pk__in=Question.objects.exam_shaped().values("pk"))
        .order_by()
        .values("services", "layers")
        .annotate(count=Count("pk"))
    )
    return {
        (row["services"], row["layers"]): row["count"]
        for row in rows
        if row["services"] and row["layers"]
    }


# --- Score history ---------------------------------------------------------------


@dataclass(frozen=True)
class ChartPoint:
    x: float  # percent of the plot's width, 0 at the left
    y: float  # percent of the plot's height, 0 at the top (a score of 1000)
    score: int
    passed: bool
    finished_at: datetime
    title: str
    pk: int


@dataclass(frozen=True)
class AxisDate:
    """A date written under the x axis, at a percent of the plot's width."""

    at: datetime
    x: float
    anchor: str  # SVG text-anchor: start, middle or end


@dataclass(frozen=True)
class ScoreChart:
    """An SVG line chart of scaled scores, drawn on the server.

    Positions are percentages of the plot area and the SVG has no viewBox, so the
    plot stretches to any width while text and markers keep their CSS size: on a
    phone the axis labels stay as large as on a laptop instead of shrinking with it.
    """

    points: list[ChartPoint]
    dates: list[AxisDate]

    @staticmethod
    def y_for(score: int) -> float:
        return round(100 * (1000 - score) / 900, 1)

    @property
    def pass_y(self) -> float:
        return self.y_for(PASS_MARK)

    @property
    def ticks(self) -> list[tuple[int, float]]:
        return [(score, self.y_for(score)) for score in (100, 400, 700, 1000)]

    @property
    def segments(self) -> list[tuple[ChartPoint, ChartPoint]]:
        """The line, as pieces between neighbours (SVG points cannot be percentages)."""
        return list(zip(self.points, self.points[1:], strict=False))


def axis_dates(points: Sequence[ChartPoint]) -> list[AxisDate]:
    """First and last day at the ends of the axis; one day once, under the middle."""
    if not points:
        return []
    first, last = points[0].finished_at, points[-1].finished_at
    if timezone.localtime(first).date() == timezone.localtime(last).date():
        return [AxisDate(at=last, x=50, anchor="middle")]
    return [AxisDate(at=first, x=0, anchor="start"), AxisDate(at=last, x=100, anchor="end")]


def score_chart(attempts: Sequence[dict]) -> ScoreChart:
    """Lay out finished attempts (oldest first) evenly along the x axis."""
    step = 100 / (len(attempts) - 1) if len(attempts) > 1 else 0
    points = [
        ChartPoint(
            x=round(index * step if len(attempts) > 1 else 50, 1),
            y=ScoreChart.y_for(attempt["scaled_score"]),
            score=attempt["scaled_score"],
            passed=attempt["passed"],
            finished_at=attempt["finished_at"],
            title=attempt["blueprint__title"],
            pk=attempt["pk"],
        )
        for index, attempt in enumerate(attempts)
    ]
    return ScoreChart(points=points, dates=axis_dates(points))


# --- The whole page --------------------------------------------------------------


def end_of_today(at: datetime, zone: tzinfo | None = None) -> datetime:
    """The last moment of `at`'s day where the learner is (`zone`; without one, the
    current time zone: the site's, UTC)."""
    local = timezone.localtime(at, zone)
    return local.replace(hour=23, minute=59, second=59, microsecond=999999)


def dashboard_context(
    user, *, at: datetime | None = None, browser_zone: str | None = None
) -> dict:
    """Everything /dashboard/ shows, in a fixed number of queries.

    "Today" ends at midnight in the learner's time zone: the one in their settings,
    else `browser_zone` (what their browser reported; checked), else UTC.
    """
    at = at or timezone.now()
    chosen_zone = LearnerProfile.objects.filter(user=user).values_list("time_zone", flat=True)
    zone = learner_zone(chosen_zone.first(), browser_zone)
    lessons = Lesson.objects.published().aggregate(
        total=Count("pk", distinct=True),
        done=Count("progress", filter=Q(progress__user=user), distinct=True),
    )
    practice = PracticeAnswer.objects.filter(user=user).aggregate(
        total=Count("pk"),
        right=Count("pk", filter=Q(correct=True)),
        # What the learner's confidence said: right, but they pressed "not sure".
        unsure_right=Count("pk", filter=Q(correct=True, sure=False)),
    )
    finished = Attempt.objects.filter(user=user).exclude(state=Attempt.State.IN_PROGRESS)
    exams = finished.aggregate(taken=Count("pk"), best=Max("scaled_score"))
    history = list(
        finished.order_by("-finished_at").values(
            "pk", "finished_at", "scaled_score", "passed", "blueprint__title"
        )[:HISTORY_LENGTH]
    )[::-1]
    services = list(Service.objects.select_related("lesson"))
    layers = list(Layer.objects.select_related("lesson"))
    cells, _recent = cell_tallies(user, since=at - RECENT)
    cards = ReviewCard.objects.for_user(user).live()
    due = cards.aggregate(
        today=Count("pk", filter=Q(due__lte=max(end_of_today(at, zone), due_cutoff(at)))),
        now=Count("pk", filter=Q(due__lte=due_cutoff(at))),
    )
    basis = answer_basis(user, since=at - RECENT, exam_shaped=True)
    leeches = list(
        cards.filter(lapses__gte=ReviewCard.LEECH_LAPSES)
        .select_related("question__lesson")
        .order_by("-lapses")[:5]
    )
    return {
        "notices": list(notices_for(user)),
        "lessons": lessons,
        "practice": Tally(right=practice["right"], total=practice["total"]),
        "unsure_right": practice["unsure_right"],
        "exams": exams,
        "chart": score_chart(history),
        "services": services,
        "mastery": mastery_rows(services=services, layers=layers, cells=cells),
        "bands": BANDS,
        "weakest": area_breakdown(
            user, services=services, layers=layers, since=at - RECENT
        ).weakest,
        # Only exam-style answers: drill-format (AWS / Customer / Shared) items are
        # easier than anything the real exam asks, and read the learner too high.
        "readiness": readiness_estimate(
            recent=cell_tallies(user, since=at - RECENT, exam_shaped=True)[1],
            bank=bank_cells(),
            answered=basis.total,
        ),
        "readiness_basis": basis,
        "due": due,
        # The header's count is this page's "now" (`due_count`'s query, already made):
        # one query less than the header's own on a cold cache, and the two agree.
        "review_due": due["now"],
        "leeches": leeches,
        "recent_days": RECENT.days,
    }
