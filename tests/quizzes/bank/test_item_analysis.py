"""Item analysis: facility, discrimination, choice picks, flags, and the admin showing them."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from math import sqrt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.bank.admin import QuestionAdmin
from quizzes.bank.item_analysis import (
    FLAG_DEAD_DISTRACTOR,
    FLAG_NEGATIVE_DISCRIMINATION,
    FLAG_TOO_EASY,
    FLAG_TOO_HARD,
    choices_with_picks,
    item_flags,
    item_statistics,
    questions_with_statistics,
    statistics_by_ref,
)
from quizzes.models import Attempt, AttemptItem, Choice, PracticeAnswer, Question
from tests.factories import (
    BlueprintFactory,
    LessonFactory,
    QuestionFactory,
    multiple_question,
)

NOW = timezone.now()
_learners = count()


def sit(
    question: Question,
    *,
    score: int | None,
    selected: list[int],
    correct: bool | None,
    scored_count: int = 10,
    state: str = Attempt.State.SUBMITTED,
    scored: bool = True,
) -> AttemptItem:
    """One learner's attempt holding `question`, finished with `score` of `scored_count`."""
    attempt = Attempt.objects.create(
        user=User.objects.create(username=f"sitter-{next(_learners)}"),  # no password hashing
        blueprint=BlueprintFactory(),
        started_at=NOW - timedelta(minutes=20),
        deadline=NOW - timedelta(minutes=5),
        state=state,
        score=score,
        scored_count=scored_count,
    )
    return AttemptItem.objects.create(
        attempt=attempt,
        question=question,
        position=1,
        selected=selected,
        answered_at=NOW if selected else None,
        scored=scored,
        correct=correct,
    )


def learner() -> User:
    """The signed-in learner practice answers come from: only theirs are statistics."""
    return User.objects.get_or_create(username="practiser")[0]  # no password hashing


def practise(
    question: Question, selected: list[int], correct: bool, count: int = 1, *, guest: bool = False
) -> None:
    """`count` practice answers, a signed-in learner's unless `guest`."""
    user = None if guest else learner()
    PracticeAnswer.objects.bulk_create(
        PracticeAnswer(user=user, question=question, selected=selected, correct=correct)
        for _ in range(count)
    )


def stats(question: Question) -> Question:
    return questions_with_statistics(Question.objects.filter(pk=question.pk)).get()


def point_biserial(right: list[bool], fractions: list[float]) -> float:
    """By hand: r = (M1 - M0) / s * sqrt(p q), s the population standard deviation."""
    n = len(fractions)
    ones = [x for r, x in zip(right, fractions, strict=True) if r]
    zeros = [x for r, x in zip(right, fractions, strict=True) if not r]
    mean = sum(fractions) / n
    s = sqrt(sum((x - mean) ** 2 for x in fractions) / n)
    p = len(ones) / n
    return (sum(ones) / len(ones) - sum(zeros) / len(zeros)) / s * sqrt(p * (1 - p))


# Ten learners' finished exams: six got the question right, four wrong.
SCORES = [9, 8, 8, 7, 6, 5, 6, 4, 3, 2]
RIGHT = [True] * 6 + [False] * 4


@pytest.fixture
def question():
    return QuestionFactory()


@pytest.fixture
def ten_sittings(question):
    key, wrong = [c.pk for c in question.choices.order_by("position")][:2]
    for score, right in zip(SCORES, RIGHT, strict=True):
        sit(question, score=score, selected=[key if right else wrong], correct=right)
    return question


@pytest.mark.django_db
class TestStatistics:
    def test_facility_and_point_biserial_from_finished_attempts(self, ten_sittings):
        row = stats(ten_sittings)
        assert row.answered == 10
        assert row.facility == pytest.approx(0.6)
        expected = point_biserial(RIGHT, [s / 10 for s in SCORES])
        # M1 = 43/60, M0 = 15/40, mean 0.58, s = sqrt(0.0476), p = 0.6.
        assert expected == pytest.approx(0.7672, abs=1e-4)
        assert row.discrimination == pytest.approx(expected)

    def test_practice_answers_count_towards_answered_and_facility(self, ten_sittings):
        key = ten_sittings.choices.get(is_correct=True).pk
        practise(ten_sittings, [key], True)
        practise(ten_sittings, [key + 1], False)
        row = stats(ten_sittings)
        assert row.answered == 12
        assert row.facility == pytest.approx(7 / 12)
        # Practice has no exam score: discrimination is unchanged.
        assert row.discrimination == pytest.approx(point_biserial(RIGHT, [s / 10 for s in SCORES]))

    def test_in_progress_attempts_and_blank_items_are_not_answers(self, question):
        key = question.choices.get(is_correct=True).pk
        sit(question, score=None, selected=[key], correct=None, state=Attempt.State.IN_PROGRESS)
        sit(question, score=5, selected=[], correct=False)
        row = stats(question)
        assert row.answered == 0
        assert row.facility is None
        # One group only (everyone wrong): no correlation.
        assert row.discrimination is None

    def test_a_blank_scored_item_counts_as_wrong_for_discrimination(self, ten_sittings):
        sit(ten_sittings, score=1, selected=[], correct=False)
        right, fractions = [*RIGHT, False], [s / 10 for s in [*SCORES, 1]]
        row = stats(ten_sittings)
        assert row.answered == 10
        assert row.discrimination == pytest.approx(point_biserial(right, fractions))

    def test_expired_attempts_count_and_unscored_items_have_no_discrimination(self, question):
        key, wrong = [c.pk for c in question.choices.order_by("position")][:2]
        sit(question, score=8, selected=[key], correct=True, state=Attempt.State.EXPIRED)
        sit(question, score=3, selected=[wrong], correct=False, scored=False)
        row = stats(question)
        assert row.answered == 2
        assert row.facility == pytest.approx(0.5)
        assert row.discrimination is None  # only one scored item, in one group

    def test_same_score_for_everyone_has_no_discrimination(self, question):
        key, wrong = [c.pk for c in question.choices.order_by("position")][:2]
        sit(question, score=5, selected=[key], correct=True)
        sit(question, score=5, selected=[wrong], correct=False)
        assert stats(question).discrimination is None

    def test_negative_discrimination(self, question):
        key, wrong = [c.pk for c in question.choices.order_by("position")][:2]
        sit(question, score=2, selected=[key], correct=True)
        sit(question, score=9, selected=[wrong], correct=False)
        sit(question, score=8, selected=[wrong], correct=False)
        row = stats(question)
        assert row.discrimination == pytest.approx(
            point_biserial([True, False, False], [0.2, 0.9, 0.8])
        )
        assert row.discrimination < 0

    def test_no_answers(self, question):
        row = stats(question)
        assert (row.answered, row.facility, row.discrimination) == (0, None, None)
        assert row.min_distractor_picks == 0


@pytest.mark.django_db
class TestChoicePicks:
    def test_single_answer_picks_from_practice_and_finished_exams(self, question):
        a, b, c, d = [c.pk for c in question.choices.order_by("position")]
        practise(question, [a], True, count=3)
        practise(question, [b], False)
        sit(question, score=7, selected=[a], correct=True)
        sit(question, score=4, selected=[c], correct=False)
        sit(question, score=None, selected=[d], correct=None, state=Attempt.State.IN_PROGRESS)
        picks = {choice.text: choice.picks for choice in choices_with_picks(question)}
        assert picks == {"The customer": 4, "AWS": 1, "Both": 1, "Neither": 0}
        assert stats(question).min_distractor_picks == 0

    def test_multiple_answer_question(self):
        question = multiple_question()
        a, b, c, _d, _e = [c.pk for c in question.choices.order_by("position")]
        practise(question, [a, b], True, count=2)
        practise(question, [a, c], False)
        sit(question, score=6, selected=[b, c], correct=False)
        picks = [(choice.text, choice.picks) for choice in choices_with_picks(question)]
        assert picks == [("A", 3), ("B", 3), ("C", 2), ("D", 0), ("E", 0)]

    def test_ids_do_not_match_by_prefix_or_across_questions(self, question):
        other = QuestionFactory()
        own = question.choices.order_by("position").first()
        # Another question's answer naming this choice's id is not an answer to it.
        practise(other, [own.pk], False)
        practise(question, [own.pk * 10 + 1, own.pk + 100], False)
        assert choices_with_picks(question).get(pk=own.pk).picks == 0

    def test_min_distractor_picks(self, question):
        _key, b, c, d = [c.pk for c in question.choices.order_by("position")]
        practise(question, [b], False, count=2)
        practise(question, [c], False)
        practise(question, [d], False, count=5)
        assert stats(question).min_distractor_picks == 1

    def test_item_statistics_shares(self, question):
        a, b, _c, _d = [c.pk for c in question.choices.order_by("position")]
        practise(question, [a], True, count=3)
        practise(question, [b], False)
        result = item_statistics(question)
        assert result.answered == 4
        assert [(row.picks, row.share) for row in result.choices] == [
            (3, 0.75),
            (1, 0.25),
            (0, 0.0),
            (0, 0.0),
        ]


@pytest.mark.django_db
class TestGuestAnswers:
    """Anyone may post a guest answer, as often as they like: only signed-in learners'
    answers are item statistics, so anonymous posts can't flag a question."""

    @staticmethod
    def everything(question: Question) -> tuple:
        """Every statistic an instructor sees: the list's row, the panel and the CSV export."""
        row = questions_with_statistics(Question.objects.filter(pk=question.pk)).values(
            "answered", "answered_right", "facility", "discrimination", "min_distractor_picks"
        )[0]
        panel = item_statistics(question)
        export = statistics_by_ref(Question.objects.filter(pk=question.pk))[question.ref]
        picks = [(choice.picks, choice.share) for choice in panel.choices]
        return row, picks, panel.answered, panel.facility, panel.flags, export

    def test_guest_answers_change_no_statistic(self, ten_sittings):
        key, wrong = [c.pk for c in ten_sittings.choices.order_by("position")][:2]
        practise(ten_sittings, [key], True, count=2)
        before = self.everything(ten_sittings)
        assert before[0]["answered"] == 12

        practise(ten_sittings, [wrong], False, count=40, guest=True)
        practise(ten_sittings, [key], True, count=5, guest=True)

        assert self.everything(ten_sittings) == before

    def test_signed_in_answers_do(self, ten_sittings):
        key, wrong = [c.pk for c in ten_sittings.choices.order_by("position")][:2]
        practise(ten_sittings, [wrong], False, count=40)
        row, picks, answered, facility, flags, export = self.everything(ten_sittings)
        assert (answered, export.answered) == (50, 50)
        assert facility == export.facility == pytest.approx(6 / 50)
        assert picks[1][0] == export.picks[1] == 44  # four wrong sittings and 40 practice
        assert FLAG_TOO_HARD in flags and FLAG_TOO_HARD in export.flags

    def test_twenty_wrong_guest_answers_raise_no_flag_in_the_admin(self, admin_client, question):
        wrong = question.choices.get(position=2).pk
        practise(question, [wrong], False, count=20, guest=True)

        listed = admin_client.get(CHANGELIST)
        assert "⚠" not in listed.content.decode()
        change = admin_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
        assertContains(change, '<th scope="row">Answered</th><td>0</td>', html=False)

    def test_answers_posted_by_a_guest_are_not_counted(self, client, question):
        """Through the practice page, as a guest really answers."""
        wrong = question.choices.get(position=2).pk
        url = reverse("quizzes:practice_answer")
        for _ in range(3):
            client.post(url, {"question": question.pk, "choice": wrong})
        assert PracticeAnswer.objects.filter(question=question, user=None).count() == 3
        assert (stats(question).answered, choices_with_picks(question)[1].picks) == (0, 0)

        client.force_login(learner())
        client.post(url, {"question": question.pk, "choice": wrong})
        assert (stats(question).answered, choices_with_picks(question)[1].picks) == (1, 1)


class TestFlags:
    @staticmethod
    def flags(answered=20, facility=0.5, discrimination=0.3, min_distractor_picks=3):
        return item_flags(
            answered=answered,
            facility=facility,
            discrimination=discrimination,
            min_distractor_picks=min_distractor_picks,
        )

    def test_a_healthy_question_has_none(self):
        assert self.flags() == []

    def test_too_hard_below_0_2(self):
        assert self.flags(facility=0.19) == [FLAG_TOO_HARD]
        assert self.flags(facility=0.2) == []

    def test_too_easy_above_0_95(self):
        assert self.flags(facility=0.96) == [FLAG_TOO_EASY]
        assert self.flags(facility=0.95) == []

    def test_facility_and_distractors_are_judged_from_20_answers(self):
        assert self.flags(answered=19, facility=0.0, min_distractor_picks=0) == []
        assert self.flags(answered=20, facility=0.0, min_distractor_picks=0) == [
            FLAG_TOO_HARD,
            FLAG_DEAD_DISTRACTOR,
        ]
        assert self.flags(answered=19, facility=1.0) == []
        assert self.flags(answered=20, facility=1.0) == [FLAG_TOO_EASY]

    def test_negative_discrimination(self):
        assert self.flags(discrimination=-0.01) == [FLAG_NEGATIVE_DISCRIMINATION]
        assert self.flags(discrimination=0.0) == []
        assert self.flags(answered=5, discrimination=-0.2) == [FLAG_NEGATIVE_DISCRIMINATION]

    def test_no_data_no_flags(self):
        assert (
            self.flags(answered=0, facility=None, discrimination=None, min_distractor_picks=0)
            == []
        )

    def test_a_question_without_distractors(self):
        assert self.flags(min_distractor_picks=None) == []


# --- The admin ----------------------------------------------------------------

CHANGELIST = reverse("admin:quizzes_question_changelist")


def column(name: str) -> int:
    """The admin's `o` parameter for a list_display column (1-based)."""
    return QuestionAdmin.list_display.index(name) + 1


@pytest.fixture
def graded_bank(db):
    """Three questions with 20 practice answers each: facility 0.05, 0.5, 1.0."""
    easy, middling, broken = (QuestionFactory(ref=ref) for ref in ("q-easy", "q-mid", "q-broken"))
    for question, right in ((easy, 20), (middling, 10), (broken, 1)):
        key, b, c, d = [c.pk for c in question.choices.order_by("position")]
        practise(question, [key], True, count=right)
        wrong = 20 - right
        # The broken question's learners all fall for the same distractor.
        spread = [b] * wrong if question is broken else ([b, c, d] * 20)[:wrong]
        PracticeAnswer.objects.bulk_create(
            PracticeAnswer(user=learner(), question=question, selected=[pick], correct=False)
            for pick in spread
        )
    unanswered = QuestionFactory(ref="q-new")
    return easy, middling, broken, unanswered


@pytest.mark.django_db
class TestQuestionAdmin:
    def refs(self, response) -> list[str]:
        return [question.ref for question in response.context["cl"].result_list]

    def test_sorts_by_facility_with_unanswered_last(self, admin_client, graded_bank):
        up = admin_client.get(CHANGELIST, {"o": column("facility")})
        assert self.refs(up) == ["q-broken", "q-mid", "q-easy", "q-new"]
        down = admin_client.get(CHANGELIST, {"o": f"-{column('facility')}"})
        assert self.refs(down) == ["q-easy", "q-mid", "q-broken", "q-new"]

    def test_sorts_by_answered_and_discrimination(self, admin_client, graded_bank):
        response = admin_client.get(CHANGELIST, {"o": f"-{column('answered')}.1"})
        assert self.refs(response)[-1] == "q-new"
        response = admin_client.get(CHANGELIST, {"o": column("discrimination")})
        assert response.status_code == 200

    def test_shows_values_and_flags_in_words(self, admin_client, graded_bank):
        response = admin_client.get(CHANGELIST, {"o": column("facility")})
        assertContains(response, "0.05")
        assertContains(response, "1.00")
        assertContains(response, "⚠ too hard")
        assertContains(response, "⚠ distractor nobody picks")
        assertContains(response, "⚠ too easy")
        assertContains(response, "—")

    def test_change_page_shows_the_statistics_panel(self, admin_client, graded_bank):
        broken = graded_bank[2]
        response = admin_client.get(reverse("admin:quizzes_question_change", args=[broken.pk]))
        assertContains(response, "Statistics")
        assertContains(response, '<th scope="row">Facility</th><td>0.05</td>', html=False)
        assertContains(response, "Share of those answers that were right")
        assertContains(response, "Correlation between getting it right and the exam score")
        assertContains(response, "<td>AWS</td><td></td><td>19</td><td>95%</td>", html=False)
        assertContains(response, "<td>The customer</td><td>✓ key</td><td>1</td><td>5%</td>")
        assertContains(response, "⚠ distractor nobody picks")

    def test_statistics_panel_escapes_choice_text(self, admin_client, graded_bank):
        choice = graded_bank[2].choices.get(text="AWS")
        choice.text = "<script>alert(1)</script>"
        choice.save()
        url = reverse("admin:quizzes_question_change", args=[choice.question_id])
        response = admin_client.get(url)
        escaped = "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td></td>"
        assertContains(response, escaped, html=False)
        assertNotContains(response, "<script>alert(1)")

    def test_add_page_renders(self, admin_client):
        response = admin_client.get(reverse("admin:quizzes_question_add"))
        assertContains(response, "Statistics appear once learners answer the question.")

    def test_history_page_lists_an_edit(self, admin_client, question):
        question.stem = "Who encrypts the EBS volume?"
        question._change_reason = "Clearer stem"
        question.save()
        response = admin_client.get(reverse("admin:quizzes_question_history", args=[question.pk]))
        assertContains(response, "Clearer stem")
        assertContains(response, "Changed")
        assert question.history.count() == 2


def bulk_bank(count: int) -> None:
    """`count` questions with four choices and a practice answer each, in a few INSERTs."""
    lesson = LessonFactory()
    start = Question.objects.count()
    questions = Question.objects.bulk_create(
        Question(
            ref=f"bulk-{start + i:05d}",
            stem=f"Bulk question {i}",
            explanation="Because.",
            lesson=lesson,
            status=Question.Status.PUBLISHED,
        )
        for i in range(count)
    )
    if not all(q.pk for q in questions):  # backends that don't return ids
        questions = list(Question.objects.filter(ref__startswith="bulk-"))
    Choice.objects.bulk_create(
        Choice(question=q, position=p, text=f"Choice {p}", is_correct=p == 1)
        for q in questions
        for p in range(1, 5)
    )
    user = learner()
    PracticeAnswer.objects.bulk_create(
        PracticeAnswer(user=user, question=q, selected=[], correct=i % 2 == 0)
        for i, q in enumerate(questions)
    )


@pytest.mark.django_db
def test_changelist_makes_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    bulk_bank(10)
    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(CHANGELIST, {"o": column("facility")}).status_code == 200
    bulk_bank(990)
    assert Question.objects.count() == 1000
    budget = len(small.captured_queries)
    with django_assert_max_num_queries(budget) as large:
        response = admin_client.get(CHANGELIST, {"o": column("facility")})
    print(f"changelist queries: 10 questions {budget}, 1,000 questions {len(large)}")
    assert len(response.context["cl"].result_list) == QuestionAdmin.list_per_page


@pytest.mark.django_db
def test_statistics_by_ref_agree_with_the_question_panel(ten_sittings):
    other = multiple_question()
    a, b, c = [choice.pk for choice in other.choices.order_by("position")][:3]
    practise(other, [a, c], False, count=2)
    practise(other, [a, b], True)

    by_ref = statistics_by_ref(Question.objects.all())

    for question in (ten_sittings, other):
        panel, row = item_statistics(question), by_ref[question.ref]
        assert (row.answered, row.facility, row.discrimination, row.flags) == (
            panel.answered,
            panel.facility,
            panel.discrimination,
            panel.flags,
        )
        assert row.picks == [choice.picks for choice in panel.choices]
    assert by_ref[other.ref].picks == [3, 1, 2, 0, 0]
