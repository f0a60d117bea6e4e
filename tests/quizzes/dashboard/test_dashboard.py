from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import dateformat, timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from lessons.models import Layer, LessonProgress, Owner, Responsibility, Service
from quizzes.dashboard.mastery import (
    HISTORY_LENGTH,
    AxisDate,
    Tally,
    answer_basis,
    area_breakdown,
    cell_tallies,
    end_of_today,
    mastery_rows,
    readiness_estimate,
    score_chart,
)
from quizzes.exams.attempts import scaled_score
from quizzes.models import (
    Attempt,
    AttemptItem,
    LearnerProfile,
    PracticeAnswer,
    Question,
    ReviewCard,
)
from quizzes.review.cards import Answer, cards_record
from tests.factories import (
    BlueprintFactory,
    LayerFactory,
    LessonFactory,
    QuestionFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"


# --- helpers ---------------------------------------------------------------------


def tagged(services, layers, **kwargs) -> Question:
    question = QuestionFactory(**kwargs)
    question.services.set(services)
    question.layers.set(layers)
    return question


def practise(user, question, *, correct: bool, days_ago: int = 0) -> PracticeAnswer:
    answer = PracticeAnswer.objects.create(
        user=user, question=question, selected=[], correct=correct
    )
    if days_ago:  # answered_at is auto_now_add
        moment = timezone.now() - timedelta(days=days_ago)
        PracticeAnswer.objects.filter(pk=answer.pk).update(answered_at=moment)
    return answer


def sit(
    user,
    answers,
    *,
    state=Attempt.State.SUBMITTED,
    scaled: int = 700,
    finished_at=None,
    blueprint=None,
) -> Attempt:
    """An attempt with one item per (question, correct); correct=None is unanswered."""
    finished_at = finished_at or timezone.now()
    finished = state != Attempt.State.IN_PROGRESS
    attempt = Attempt.objects.create(
        user=user,
        blueprint=blueprint or BlueprintFactory(),
        started_at=finished_at - timedelta(minutes=10),
        deadline=finished_at + timedelta(minutes=10),
        state=state,
        finished_at=finished_at if finished else None,
        scaled_score=scaled if finished else None,
        passed=scaled >= 700 if finished else None,
    )
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            question=question,
            position=position,
            selected=[] if correct is None else [1],
            answered_at=None if correct is None else finished_at,
            correct=bool(correct) if finished else None,
        )
        for position, (question, correct) in enumerate(answers, start=1)
    )
    return attempt


def chart_row(pk: int, score: int, minutes: int) -> dict:
    return {
        "pk": pk,
        "scaled_score": score,
        "passed": score >= 700,
        "finished_at": timezone.now() + timedelta(minutes=minutes),
        "blueprint__title": f"Exam {pk}",
    }


# --- Tally bands ------------------------------------------------------------------


class TestTally:
    @pytest.mark.parametrize(
        ("right", "total", "band"),
        [
            (80, 100, "strong"),
            (4, 5, "strong"),
            (100, 100, "strong"),
            (79, 100, "fair"),
            (50, 100, "fair"),
            (49, 100, "weak"),
            (0, 3, "weak"),
            (0, 0, "unseen"),
        ],
    )
    def test_band_boundaries(self, right, total, band):
        assert Tally(right=right, total=total).band == band

    def test_percent_rounds_and_an_empty_tally_is_zero(self):
        assert Tally(right=2, total=3).percent == 67
        assert Tally().percent == 0

    def test_add_accumulates(self):
        tally = Tally(right=1, total=2)
        tally.add(1, 1)
        assert (tally.right, tally.total) == (2, 3)


# --- The mastery map's arithmetic ------------------------------------------------


class TestCellTallies:
    @pytest.fixture
    def grid(self):
        services = [ServiceFactory(), ServiceFactory()]
        layers = [LayerFactory(), LayerFactory()]
        return services, layers

    def test_practice_and_finished_exam_answers_count_in_every_tagged_cell(self, user, grid):
        (s, s2), (l1, l2) = grid
        question = tagged([s], [l1, l2])
        practise(user, question, correct=True)
        practise(user, question, correct=False)
        sit(user, [(question, True)])

        ever, recent = cell_tallies(user, since=timezone.now() - timedelta(days=60))

        assert ever[(s.pk, l1.pk)] == Tally(right=2, total=3)
        assert ever[(s.pk, l2.pk)] == Tally(right=2, total=3)
        assert recent[(s.pk, l1.pk)] == Tally(right=2, total=3)
        assert set(ever) == {(s.pk, l1.pk), (s.pk, l2.pk)}
        rows = mastery_rows(services=[s, s2], layers=[l1, l2], cells=ever)
        by_layer = {row.layer: row.cells for row in rows}
        assert by_layer[l1][0].percent == 67 and by_layer[l1][0].band == "fair"
        assert by_layer[l1][1] == Tally() and by_layer[l1][1].band == "unseen"

    def test_answers_that_are_not_the_learners_graded_answers_do_not_count(self, user, grid):
        (s, _), (l1, l2) = grid
        question = tagged([s], [l1, l2])
        other = UserFactory()
        sit(user, [(question, True)], state=Attempt.State.IN_PROGRESS)  # not finished
        unscored = sit(user, [(question, None)])  # finished, an unscored item left blank
        unscored.items.update(scored=False)
        practise(other, question, correct=True)  # someone else's
        sit(other, [(question, True)])
        drill_cell = Responsibility.objects.create(
            service=s, layer=l1, owner=Owner.AWS, aws_part="a", customer_part="c"
        )
        PracticeAnswer.objects.create(user=user, cell=drill_cell, selected="aws", correct=True)

        ever, recent = cell_tallies(user, since=timezone.now() - timedelta(days=60))

        assert ever.get((s.pk, l1.pk), Tally()) == Tally()
        assert ever.get((s.pk, l2.pk), Tally()) == Tally()
        assert not recent

    def test_a_scored_question_left_unanswered_counts_wrong_as_on_the_result(self, user, grid):
        (s, _), (l1, _) = grid
        question = tagged([s], [l1])
        long_ago = timezone.now() - timedelta(days=90)
        sit(user, [(question, None)])
        sit(user, [(question, None)], finished_at=long_ago)  # dated by when its exam ended

        ever, recent = cell_tallies(user, since=timezone.now() - timedelta(days=60))
        breakdown = area_breakdown(
            user, services=[s], layers=[l1], since=timezone.now() - timedelta(days=60)
        )

        assert ever[(s.pk, l1.pk)] == Tally(right=0, total=2)
        assert recent[(s.pk, l1.pk)] == Tally(right=0, total=1)
        assert {(area.slug, area.right, area.total) for area in breakdown.weakest} == {
            (s.slug, 0, 1),
            (l1.slug, 0, 1),
        }

    def test_an_expired_attempts_answers_count(self, user, grid):
        (s, _), (l1, _) = grid
        question = tagged([s], [l1])
        sit(user, [(question, False)], state=Attempt.State.EXPIRED)
        ever, _ = cell_tallies(user, since=timezone.now() - timedelta(days=60))
        assert ever[(s.pk, l1.pk)] == Tally(right=0, total=1)

    def test_old_answers_count_ever_but_not_recently(self, user, grid):
        (s, _), (l1, _) = grid
        question = tagged([s], [l1])
        practise(user, question, correct=False, days_ago=90)
        practise(user, question, correct=True)
        ever, recent = cell_tallies(user, since=timezone.now() - timedelta(days=60))
        assert ever[(s.pk, l1.pk)] == Tally(right=1, total=2)
        assert recent[(s.pk, l1.pk)] == Tally(right=1, total=1)


class TestAnswerBasis:
    def test_every_graded_answer_counts_once_practice_and_exams_apart(self, user):
        services = [ServiceFactory(), ServiceFactory()]
        layers = [LayerFactory(), LayerFactory(), LayerFactory()]
        wide = tagged(services, layers)  # six cells: still one answer each time
        untagged = tagged([], layers)  # on no cell, but its answers say how good the learner is
        practise(user, wide, correct=True)
        practise(user, wide, correct=False)
        practise(user, wide, correct=False, days_ago=61)
        practise(user, untagged, correct=True)
        sit(user, [(wide, True), (untagged, None)])
        sit(user, [(wide, True)], state=Attempt.State.IN_PROGRESS)

        basis = answer_basis(user, since=timezone.now() - timedelta(days=60))

        assert basis.practice == Tally(right=2, total=3)
        assert basis.exam == Tally(right=1, total=2)
        assert basis.unanswered == 1
        assert basis.total == Tally(right=3, total=5)


class TestMasteryRows:
    def test_top_of_the_stack_first_and_columns_in_the_given_order(self):
        bottom = Layer(pk=1, slug="facilities", name="Facilities", position=1)
        middle = Layer(pk=2, slug="os", name="OS", position=5)
        top = Layer(pk=3, slug="data", name="Data", position=9)
        ec2 = Service(pk=10, slug="ec2", name="EC2")
        s3 = Service(pk=20, slug="s3", name="S3")
        cells = {(20, 3): Tally(1, 1), (10, 3): Tally(0, 1), (10, 1): Tally(1, 2)}

        rows = mastery_rows(services=[s3, ec2], layers=[middle, bottom, top], cells=cells)

        assert [row.layer for row in rows] == [top, middle, bottom]
        assert rows[0].cells == [Tally(1, 1), Tally(0, 1)]  # s3, then ec2
        assert rows[1].cells == [Tally(), Tally()]
        assert rows[2].cells == [Tally(), Tally(1, 2)]
        assert [tally.band for tally in rows[0].cells] == ["strong", "weak"]


# --- Readiness --------------------------------------------------------------------


def even_bank() -> dict:
    return {(1, 1): 10, (1, 2): 10, (2, 1): 10, (2, 2): 10}


def spread_evenly(right: int, total: int) -> dict:
    """`total` answers with `right` right, spread over the four cells of even_bank."""
    return {
        cell: Tally(right=right // 4, total=total // 4)
        for cell in [(1, 1), (1, 2), (2, 1), (2, 2)]
    }


class TestReadiness:
    def test_fewer_than_twenty_answers_is_not_enough(self):
        readiness = readiness_estimate(recent={(1, 1): Tally(19, 19)}, bank=even_bank())
        assert not readiness.enough
        assert readiness.answers == 19
        assert readiness.answers_needed == 1
        assert readiness_estimate(recent={}, bank=even_bank()).answers_needed == 20

    def test_twenty_answers_are_enough(self):
        readiness = readiness_estimate(recent={(1, 1): Tally(12, 20)}, bank=even_bank())
        assert readiness.enough
        assert readiness.answers_needed == 0

    def test_all_right_is_near_the_top_of_the_scale(self):
        readiness = readiness_estimate(recent=spread_evenly(40, 40), bank=even_bank())
        assert readiness.score >= 990
        assert readiness.low <= readiness.score <= readiness.high <= 1000
        assert readiness.pass_chance >= 99
        assert readiness.likely_pass

    def test_all_wrong_is_near_the_bottom_of_the_scale(self):
        readiness = readiness_estimate(recent=spread_evenly(0, 40), bank=even_bank())
        assert readiness.score <= 110
        assert 100 <= readiness.low <= readiness.score <= readiness.high
        assert readiness.pass_chance == 0
        assert not readiness.likely_pass

    def test_fewer_answers_give_a_wider_range(self):
        few = readiness_estimate(recent=spread_evenly(16, 20), bank=even_bank())
        many = readiness_estimate(recent=spread_evenly(160, 200), bank=even_bank())
        assert few.score == many.score == scaled_score(right=8, scored=10)
        assert few.low < many.low <= many.score <= many.high < few.high
        assert few.high - few.low > many.high - many.low

    def test_a_cell_never_answered_takes_the_overall_accuracy(self):
        # 25 of 40 right overall (62.5 %): 20/20 in one cell, 5/20 in another.
        recent = {(1, 1): Tally(20, 20), (1, 2): Tally(5, 20)}
        bank = {(1, 1): 3, (1, 2): 1, (2, 2): 4}  # (2, 2) is never answered
        overall = 25 / 40
        strong = (20 + 2 * overall) / (20 + 2)
        weak = (5 + 2 * overall) / (20 + 2)
        expected = (3 * strong + 1 * weak + 4 * overall) / 8
        readiness = readiness_estimate(recent=recent, bank=bank)
        assert readiness.score == scaled_score(right=round(expected * 1000), scored=1000)
        # Not left out, as if the bank had no such cell (that would flatter the learner).
        without = readiness_estimate(recent=recent, bank={(1, 1): 3, (1, 2): 1})
        assert readiness.score < without.score

    def test_answers_on_several_cells_count_once(self):
        # Ten answers, all on a question tagged with two cells, sit in both tallies.
        cells = {(1, 1): Tally(10, 10), (1, 2): Tally(10, 10)}
        readiness = readiness_estimate(recent=cells, bank=even_bank(), answered=Tally(10, 10))
        assert (readiness.enough, readiness.answers, readiness.answers_needed) == (False, 10, 10)

    def test_the_range_is_as_wide_as_the_real_number_of_answers(self):
        cells = {cell: Tally(30, 40) for cell in [(1, 1), (1, 2), (2, 1), (2, 2)]}
        counted_once = readiness_estimate(recent=cells, bank=even_bank(), answered=Tally(30, 40))
        per_cell = readiness_estimate(recent=cells, bank=even_bank())
        assert counted_once.answers == 40 and per_cell.answers == 160
        assert counted_once.score == per_cell.score
        assert counted_once.high - counted_once.low > per_cell.high - per_cell.low

    def test_pass_chance_grows_with_accuracy(self):
        chances = [
            readiness_estimate(recent=spread_evenly(right, 80), bank=even_bank()).pass_chance
            for right in (40, 52, 60, 72)
        ]
        assert chances == sorted(chances)
        assert chances[0] < 10 and chances[-1] > 90


# --- Score chart ------------------------------------------------------------------


class TestScoreChart:
    def test_points_run_oldest_first_evenly_across_the_plot(self):
        rows = [chart_row(1, 500, 0), chart_row(2, 700, 1), chart_row(3, 900, 2)]
        chart = score_chart(rows)
        assert [point.pk for point in chart.points] == [1, 2, 3]
        # Percentages of the plot's width: the browser stretches them to any screen.
        assert [point.x for point in chart.points] == [0, 50, 100]

    def test_uneven_counts_still_space_points_evenly(self):
        chart = score_chart([chart_row(pk, 700, pk) for pk in range(1, 5)])
        assert [point.x for point in chart.points] == [0, 33.3, 66.7, 100]

    def test_the_pass_mark_line_and_heights(self):
        chart = score_chart([chart_row(1, 500, 0), chart_row(2, 700, 1), chart_row(3, 900, 2)])
        low, pass_mark, high = chart.points
        assert pass_mark.y == chart.pass_y == chart.y_for(700) == 33.3
        assert high.y < pass_mark.y < low.y  # SVG y grows downwards
        assert chart.y_for(1000) == 0
        assert chart.y_for(100) == 100
        assert [score for score, _y in chart.ticks] == [100, 400, 700, 1000]
        assert (low.passed, pass_mark.passed, high.passed) == (False, True, True)

    def test_the_line_joins_each_point_to_the_next(self):
        chart = score_chart([chart_row(1, 500, 0), chart_row(2, 700, 1), chart_row(3, 900, 2)])
        first, second, third = chart.points
        assert chart.segments == [(first, second), (second, third)]

    def test_a_single_attempt_is_centred_with_no_line(self):
        chart = score_chart([chart_row(1, 640, 0)])
        (point,) = chart.points
        assert point.x == 50
        assert chart.segments == []

    def test_a_single_attempt_writes_its_date_once_under_it(self):
        chart = score_chart([chart_row(1, 640, 0)])
        (point,) = chart.points
        assert chart.dates == [AxisDate(at=point.finished_at, x=50, anchor="middle")]

    def test_attempts_on_different_days_date_both_ends_of_the_axis(self):
        rows = [chart_row(1, 500, 0), chart_row(2, 800, 60 * 24 * 3)]
        chart = score_chart(rows)
        first, last = chart.points
        assert chart.dates == [
            AxisDate(at=first.finished_at, x=0, anchor="start"),
            AxisDate(at=last.finished_at, x=100, anchor="end"),
        ]

    def test_attempts_all_on_one_day_write_that_day_once(self):
        morning = datetime(2025, 12, 3, 9, 0, tzinfo=UTC)
        rows = [chart_row(pk, 650, 0) for pk in (1, 2, 3)]
        for hours, row in enumerate(rows, start=1):
            row["finished_at"] = morning + timedelta(hours=hours)
        chart = score_chart(rows)
        assert [(d.at.hour, d.x, d.anchor) for d in chart.dates] == [(12, 50, "middle")]

    def test_the_day_is_the_local_day_not_the_utc_day(self):
        # 23:30 and 00:30 UTC fall on one evening in Sao Paulo (UTC-3).
        late = datetime(2025, 12, 3, 23, 30, tzinfo=UTC)
        rows = [chart_row(1, 650, 0) | {"finished_at": late}]
        rows.append(chart_row(2, 750, 0) | {"finished_at": late + timedelta(hours=1)})
        with timezone.override("America/Sao_Paulo"):
            assert len(score_chart(rows).dates) == 1
        assert len(score_chart(rows).dates) == 2  # two days in UTC, the site's default

    def test_no_attempts_no_points(self):
        chart = score_chart([])
        assert chart.points == [] and chart.segments == [] and chart.dates == []


# --- The page ---------------------------------------------------------------------


@pytest.fixture
def world(user):
    """Two services x two layers, one question on (S1, L1 and L2), one finished exam."""
    s1 = ServiceFactory(name="Amazon Compute", short_name="CMP")
    s2 = ServiceFactory(name="Amazon Storage", short_name="STO")
    l1 = LayerFactory(name="Physical facilities")
    l2 = LayerFactory(name="Customer data")
    lesson = LessonFactory()
    LessonFactory()  # a second published lesson, not finished
    LessonFactory(published=False)
    LessonProgress.objects.create(user=user, lesson=lesson)
    question = tagged([s1], [l1, l2], lesson=lesson)
    practise(user, question, correct=True)
    practise(user, question, correct=False)
    attempt = sit(user, [(question, True)], scaled=820)
    return {"services": [s1, s2], "layers": [l1, l2], "question": question, "attempt": attempt}


class TestPage:
    def test_guests_are_sent_to_log_in(self, client):
        response = client.get(DASHBOARD)
        assertRedirects(response, f"{reverse('login')}?next={DASHBOARD}")

    def test_mastery_map_shows_percent_counts_and_unseen_cells(self, auth_client, world):
        response = auth_client.get(DASHBOARD)
        assert response.status_code == 200
        assertContains(
            response, '<strong>67%</strong> <span class="mastery__count">2/3</span>', count=2
        )
        assertContains(response, '<span class="mastery__count">not yet seen</span>', count=2)
        assertContains(response, '<abbr title="Amazon Compute">CMP</abbr>')
        html = response.content.decode()
        # The top of the stack (the layer with the higher position) is the first row.
        assert html.index(">Customer data</th>") < html.index(">Physical facilities</th>")
        assert html.index(">CMP</abbr>") < html.index(">STO</abbr>")

    def test_chart_and_stats(self, auth_client, world):
        response = auth_client.get(DASHBOARD)
        assertContains(response, "<svg")
        assertContains(response, "pass 700")
        assertContains(response, f'href="/attempts/{world["attempt"].pk}/result/"')
        assertContains(response, "<dd><strong>1</strong> of 2</dd>", html=True)
        assertContains(response, "Best score 820")
        assertContains(response, "<strong>50%</strong> right")  # practice: 1 of 2
        assertContains(response, "1 of 2 answers")

    def test_a_single_exam_is_dated_once_under_the_middle_of_the_axis(self, auth_client, world):
        response = auth_client.get(DASHBOARD)
        day = dateformat.format(timezone.localtime(world["attempt"].finished_at), "j M")
        label = r'class="chart__label chart__date" x="([^"]*)"[^>]*text-anchor="([^"]*)">([^<]*)<'
        dates = re.findall(label, response.content.decode())
        assert dates == [("50%", "middle", day)]

    def test_a_wrong_answer_shows_as_a_review_due_on_the_page_and_in_the_header(
        self, auth_client, user, world
    ):
        before = auth_client.get(DASHBOARD)
        assert due_today(before) == 0
        assertContains(before, "All caught up")

        cards_record(user=user, answers=[Answer(world["question"].pk, correct=False)])
        response = auth_client.get(DASHBOARD)

        assert due_today(response) == 1
        assertContains(response, "Review 1 now")
        assertContains(
            response, '<span id="review-badge" class="badge">1<span class="visually-hidden"> due'
        )

    def test_another_learners_data_never_appears(self, auth_client, world):
        other = UserFactory()
        other_attempt = sit(other, [(world["question"], False)], scaled=990)
        practise(other, world["question"], correct=False)
        practise(other, world["question"], correct=False)
        cards_record(user=other, answers=[Answer(world["question"].pk, correct=False)])

        response = auth_client.get(DASHBOARD)

        assertNotContains(response, "Best score 990")
        assertNotContains(response, ">990</a>")
        assertNotContains(response, f"/attempts/{other_attempt.pk}/result/")
        assertContains(response, "Best score 820")
        assertContains(response, '<span class="mastery__count">2/3</span>', count=2)
        assert due_today(response) == 0
        assertNotContains(response, 'class="badge"')

    def test_a_learner_with_nothing_done_gets_pointers_instead(self, client, world):
        client.force_login(UserFactory())
        response = client.get(DASHBOARD)
        assertContains(response, "No exams finished yet")
        assertContains(response, "Answer 20 more exam-style questions")
        assertContains(response, "No weak spots to show yet")
        assertContains(response, '<span class="mastery__count">not yet seen</span>', count=4)
        assertNotContains(response, "<svg")


class TestReadinessOnThePage:
    def test_counts_answers_not_cells(self, auth_client, user):
        """An answer to a question on two layers is one answer, not two."""
        service = ServiceFactory()
        layers = [LayerFactory(), LayerFactory()]
        question = tagged([service], layers)
        for _ in range(10):
            practise(user, question, correct=True)

        response = auth_client.get(DASHBOARD)

        readiness = response.context["readiness"]
        assert (readiness.enough, readiness.answers, readiness.answers_needed) == (False, 10, 10)
        assertContains(response, "Answer 10 more exam-style questions")

    def test_an_estimate_from_enough_answers(self, auth_client, user):
        service = ServiceFactory()
        layers = [LayerFactory(), LayerFactory()]
        question = tagged([service], layers)
        for correct in [True] * 15 + [False] * 5:
            practise(user, question, correct=correct)

        response = auth_client.get(DASHBOARD)

        readiness = response.context["readiness"]
        assert readiness.answers == 20
        assert readiness.score == scaled_score(right=75, scored=100)
        assertContains(response, "From your 20 exam-style answers in the past 60 days")
        assertContains(response, f"most likely score about <strong>{readiness.score}</strong>")

    def test_uses_every_exam_style_answer_and_says_which(self, auth_client, user):
        """Untagged questions and blank scored exam items count; the page lists the mix."""
        question = tagged([ServiceFactory()], [LayerFactory()])
        untagged = tagged([], [])
        for correct in [True] * 12:
            practise(user, question, correct=correct)
        practise(user, untagged, correct=False)
        for _ in range(5):
            sit(user, [(question, True)])
        for _ in range(2):
            sit(user, [(untagged, None)])

        response = auth_client.get(DASHBOARD)

        assert response.context["readiness"].answers == 20
        assertContains(response, "From your 20 exam-style answers")
        assertContains(
            response,
            "Answers used: 13 in practice (12 right) and 7 in exams (5 right; 2 left blank,"
            " counted wrong as on the result).",
        )


def due_today(response) -> int:
    match = re.search(r"Reviews due today</dt>\s*<dd><strong>(\d+)</strong>", response.text)
    assert match, "no 'Reviews due today' figure"
    return int(match[1])


# --- "Reviews due today" ends at midnight where the learner is --------------------

# 23:00 UTC on 3 December: 08:00 on the 4th in Tokyo (UTC+9), 15:00 on the 3rd in
# Los Angeles (UTC-8).
LATE_EVENING_UTC = datetime(2025, 12, 3, 23, 0, tzinfo=UTC)


class TestEndOfToday:
    def test_is_the_last_moment_of_the_day_in_the_given_zone(self):
        tokyo, los_angeles = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")
        last = (23, 59, 59, 999999)
        assert end_of_today(LATE_EVENING_UTC, tokyo) == datetime(2025, 12, 4, *last, tzinfo=tokyo)
        assert end_of_today(LATE_EVENING_UTC, los_angeles) == datetime(
            2025, 12, 3, *last, tzinfo=los_angeles
        )

    def test_without_a_zone_the_sites_day(self):
        assert end_of_today(LATE_EVENING_UTC) == datetime(2025, 12, 3, 23, 59, 59, 999999, UTC)


class TestDueTodayInTheLearnersZone:
    """Four cards, the same for every learner; which are due "today" depends on where
    the learner's day ends: 14:59:59 UTC on the 4th in Tokyo, 07:59:59 UTC on the 4th
    in Los Angeles, 23:59:59 UTC on the 3rd in UTC."""

    DUE = {
        "overdue": datetime(2025, 12, 3, 22, 0, tzinfo=UTC),  # due now everywhere
        "LA evening": datetime(2025, 12, 4, 5, 0, tzinfo=UTC),  # 21:00 LA, 14:00 Tokyo
        "Tokyo evening": datetime(2025, 12, 4, 10, 0, tzinfo=UTC),  # 19:00 Tokyo, 02:00 LA
        "tomorrow": datetime(2025, 12, 4, 20, 0, tzinfo=UTC),  # 05:00 on the 5th in Tokyo
    }

    @pytest.fixture
    def cards(self, user):
        for due in self.DUE.values():
            ReviewCard.objects.create(user=user, question=QuestionFactory(), due=due)

    def dashboard(self, client, **cookies):
        client.cookies.load(cookies)
        with time_machine.travel(LATE_EVENING_UTC, tick=False):
            return client.get(DASHBOARD)

    @pytest.mark.parametrize(
        ("zone", "today"),
        [("Asia/Tokyo", 3), ("America/Los_Angeles", 2), ("", 1)],
        ids=["tokyo-already-tomorrow", "los-angeles-mid-afternoon", "not-chosen-utc"],
    )
    def test_counts_the_cards_due_before_the_learners_midnight(
        self, auth_client, user, cards, zone, today
    ):
        LearnerProfile.objects.create(user=user, time_zone=zone)
        response = self.dashboard(auth_client)
        assert due_today(response) == today
        assertContains(response, "Review 1 now")

    def test_a_learner_without_a_profile_gets_the_utc_day(self, auth_client, cards):
        assert due_today(self.dashboard(auth_client)) == 1

    def test_with_no_zone_chosen_the_browsers_zone_counts(self, auth_client, cards):
        assert due_today(self.dashboard(auth_client, tz="Asia/Tokyo")) == 3

    def test_a_chosen_zone_wins_over_the_browsers(self, auth_client, user, cards):
        LearnerProfile.objects.create(user=user, time_zone="America/Los_Angeles")
        assert due_today(self.dashboard(auth_client, tz="Asia/Tokyo")) == 2

    @pytest.mark.parametrize(
        "cookie", ["Mars/Olympus_Mons", "localtime", "../../../etc/passwd", "asia/tokyo", " "]
    )
    def test_a_browser_zone_we_do_not_know_is_ignored(self, auth_client, cards, cookie):
        assert due_today(self.dashboard(auth_client, tz=cookie)) == 1


# --- Weakest areas ----------------------------------------------------------------


class TestWeakestAreas:
    @pytest.fixture
    def areas(self):
        layer = LayerFactory(name="Guest OS")
        services = {
            name: ServiceFactory(name=name, slug=name.lower())
            for name in ("Weakling", "Middling", "Ancient")
        }
        questions = {name: tagged([svc], [layer]) for name, svc in services.items()}
        return services, questions

    def test_clearly_weakest_service_comes_first_with_a_practice_link(
        self, auth_client, user, areas
    ):
        _, questions = areas
        for correct in (True, False, False, False, False):  # 20 %
            practise(user, questions["Weakling"], correct=correct)
        for correct in (True, True, False):  # 67 %
            practise(user, questions["Middling"], correct=correct)

        response = auth_client.get(DASHBOARD)

        weakest = response.context["weakest"]
        assert (weakest[0].kind, weakest[0].slug) == ("service", "weakling")
        assert [area.name for area in weakest] == ["Weakling", "Guest OS", "Middling"]
        html = response.text
        assert html.index('href="/practice/service/weakling/"') < html.index(
            'href="/practice/service/middling/"'
        )
        assertContains(response, "<strong>20%</strong> right (1 of 5)")

    def test_answers_older_than_sixty_days_do_not_count(self, auth_client, user, areas):
        _, questions = areas
        for correct in (True, False):  # 50 % now
            practise(user, questions["Weakling"], correct=correct)
        for correct in (True, True, True, False):  # 75 % now ...
            practise(user, questions["Middling"], correct=correct)
        for _ in range(20):  # ... but 0 % months ago
            practise(user, questions["Middling"], correct=False, days_ago=61)
            practise(user, questions["Ancient"], correct=False, days_ago=61)
        sit(user, [(questions["Ancient"], False)], finished_at=timezone.now() - timedelta(days=90))

        response = auth_client.get(DASHBOARD)

        weakest = response.context["weakest"]
        assert weakest[0].slug == "weakling"
        assert "ancient" not in {area.slug for area in weakest}
        middling = next(area for area in weakest if area.slug == "middling")
        assert (middling.right, middling.total) == (3, 4)
        assertNotContains(response, 'href="/practice/service/ancient/"')
        # The mastery map still shows everything ever answered.
        assertContains(response, '<span class="mastery__count">0/21</span>')


# --- Query budget -----------------------------------------------------------------

# Measured with 5 attempts: session, user, 21 for the dashboard (correction notices,
# exam-style readiness tallies and the learner's time zone included). The header's due
# count is the dashboard's own "due now", so a cold header cache costs nothing more.
QUERY_BUDGET = 23


def history(user, count: int, questions: list[Question]) -> list[Attempt]:
    blueprint = BlueprintFactory()
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            user=user,
            blueprint=blueprint,
            started_at=now - timedelta(hours=count - i, minutes=30),
            deadline=now - timedelta(hours=count - i),
            finished_at=now - timedelta(hours=count - i),
            state=Attempt.State.SUBMITTED,
            score=i % 10,
            scored_count=10,
            scaled_score=100 + 90 * (i % 10),
            passed=100 + 90 * (i % 10) >= 700,
        )
        for i in range(count)
    )
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            question=question,
            position=position,
            selected=[1],
            answered_at=attempt.finished_at,
            correct=(position + attempt.score) % 3 != 0,
        )
        for attempt in attempts
        for position, question in enumerate(questions, start=1)
    )
    PracticeAnswer.objects.bulk_create(
        PracticeAnswer(
            user=user, question=questions[i % len(questions)], selected=[], correct=i % 2 == 0
        )
        for i in range(count)
    )
    ReviewCard.objects.bulk_create(
        ReviewCard(user=user, question=question, due=now, lapses=ReviewCard.LEECH_LAPSES + i)
        for i, question in enumerate(questions)
    )
    return attempts


@pytest.mark.parametrize("count", [5, 500])
def test_query_count_does_not_grow_with_history(
    auth_client, user, count, django_assert_max_num_queries
):
    services = [ServiceFactory() for _ in range(3)]
    layers = [LayerFactory() for _ in range(3)]
    lesson = LessonFactory()
    questions = [
        tagged([services[i % 3]], [layers[i % 3], layers[(i + 1) % 3]], lesson=lesson)
        for i in range(6)
    ]
    LessonProgress.objects.create(user=user, lesson=lesson)
    LearnerProfile.objects.create(user=user, time_zone="Asia/Tokyo")
    attempts = history(user, count, questions)
    auth_client.get(DASHBOARD)  # warm up anything cached per process

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = auth_client.get(DASHBOARD)

    assert response.status_code == 200
    points = response.context["chart"].points
    assert len(points) == min(count, HISTORY_LENGTH)
    assert [point.pk for point in points] == [a.pk for a in attempts[-HISTORY_LENGTH:]]
    assert response.context["readiness"].enough
    assert len(response.context["leeches"]) == 5


def test_the_dashboard_says_how_many_right_answers_were_not_sure(auth_client, user):
    question = QuestionFactory()
    for correct, sure in [(True, False), (True, False), (True, True), (False, False)]:
        PracticeAnswer.objects.create(
            user=user, question=question, selected=[], correct=correct, sure=sure
        )
    response = auth_client.get(DASHBOARD)
    assertContains(response, "2 of the 3 right answers were marked “not sure”")
