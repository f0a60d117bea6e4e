"""Spaced repetition: wrong answers come back on the FSRS schedule until they stick."""

from __future__ import annotations

import re
from datetime import timedelta

import fsrs
import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quizzes.exams.attempts import attempt_answer, attempt_start, attempt_submit
from quizzes.models import PracticeAnswer, Question, ReviewCard
from quizzes.practice.questions import question_answer
from quizzes.review.cards import Answer, cards_record, due_cards, next_card, rating_for
from tests.factories import BlueprintFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
ANSWER = "/practice/answer"


def right_and_wrong(question: Question) -> tuple[str, str]:
    choices = list(question.choices.order_by("position"))
    right = next(c for c in choices if c.is_correct)
    wrong = next(c for c in choices if not c.is_correct)
    return str(right.pk), str(wrong.pk)


def answer(user, question, *, correct: bool, sure: bool = True) -> PracticeAnswer:
    right, wrong = right_and_wrong(question)
    return question_answer(
        user=user, question=question, selected=[right if correct else wrong], sure=sure
    )


def card_of(user, question) -> ReviewCard:
    return ReviewCard.objects.get(user=user, question=question)


class TestRating:
    @pytest.mark.parametrize(
        ("correct", "sure", "rating"),
        [
            (False, True, fsrs.Rating.Again),
            (False, False, fsrs.Rating.Again),
            (True, False, fsrs.Rating.Hard),
            (True, True, fsrs.Rating.Good),
        ],
    )
    def test_rating_comes_from_correctness_and_confidence(self, correct, sure, rating):
        assert rating_for(correct=correct, sure=sure) == rating


class TestScheduling:
    def test_a_wrong_answer_makes_a_card_due_now(self, user):
        question = QuestionFactory()
        answer(user, question, correct=False)
        card = card_of(user, question)
        assert list(due_cards(user)) == [card]
        assert card.lapses == 1 and card.last_rating == fsrs.Rating.Again

    def test_a_right_answer_without_a_card_makes_none(self, user):
        answer(user, QuestionFactory(), correct=True)
        assert not ReviewCard.objects.exists()

    def test_sure_pushes_the_card_later_than_unsure(self, user):
        sure_learner, unsure_learner = user, UserFactory()
        question = QuestionFactory()
        start = timezone.now()
        for learner, sure in ((sure_learner, True), (unsure_learner, False)):
            with time_machine.travel(start, tick=False):
                answer(learner, question, correct=False)
            with time_machine.travel(start + timedelta(minutes=11), tick=False):
                answer(learner, question, correct=True, sure=sure)
        later = start + timedelta(minutes=11)
        sure_due = card_of(sure_learner, question).due
        unsure_due = card_of(unsure_learner, question).due
        assert later < unsure_due < sure_due
        assert sure_due - later >= timedelta(days=1)  # graduated to days
        assert not due_cards(sure_learner, at=later + timedelta(minutes=1)).exists()

    def test_a_lapse_after_graduating_brings_the_card_back(self, user):
        question = QuestionFactory()
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            answer(user, question, correct=False)
        with time_machine.travel(start + timedelta(minutes=11), tick=False):
            answer(user, question, correct=True)
        graduated = card_of(user, question).due
        with time_machine.travel(graduated + timedelta(hours=1), tick=False):
            answer(user, question, correct=False)
            card = card_of(user, question)
            assert card.state == ReviewCard.State.RELEARNING
            assert list(due_cards(user)) == [card]
        assert card.lapses == 2 and card.reviews == 3

    def test_a_guest_gets_no_cards(self, client):
        question = QuestionFactory()
        _, wrong = right_and_wrong(question)
        client.post(ANSWER, {"question": question.pk, "choice": wrong})
        assert PracticeAnswer.objects.count() == 1
        assert not ReviewCard.objects.exists()

    def test_eight_failures_flag_a_leech(self, user):
        question = QuestionFactory()
        for _ in range(7):
            answer(user, question, correct=False)
        assert not card_of(user, question).is_leech
        answer(user, question, correct=False)
        assert card_of(user, question).is_leech

    def test_a_batch_costs_the_same_queries_however_large(
        self, user, django_assert_max_num_queries
    ):
        questions = QuestionFactory.create_batch(40)
        cards_record(user=user, answers=[Answer(q.pk, correct=False) for q in questions[:20]])
        batch = [Answer(q.pk, correct=i % 2 == 0) for i, q in enumerate(questions)]
        with django_assert_max_num_queries(6):  # savepoint, locked read, update, insert
            cards_record(user=user, answers=batch)
        assert ReviewCard.objects.filter(user=user).count() == 30


class TestExams:
    def test_wrong_exam_answers_join_the_queue_and_flags_count_as_unsure(self, user):
        questions = QuestionFactory.create_batch(3)
        started = attempt_start(user=user, blueprint=BlueprintFactory(question_count=3))
        attempt = started.attempt
        # Give the first two questions cards, so the right answers move them.
        cards_record(user=user, answers=[Answer(q.pk, correct=False) for q in questions[:2]])
        items = {item.question_id: item for item in attempt.items.all()}
        by_pk = {q.pk: q for q in questions}
        first, second, third = (items[q.pk] for q in questions)
        right, _ = right_and_wrong(by_pk[first.question_id])
        attempt_answer(attempt=attempt, item=first, selected=[right], flagged=True)
        right, _ = right_and_wrong(by_pk[second.question_id])
        attempt_answer(attempt=attempt, item=second, selected=[right], flagged=False)
        _, wrong = right_and_wrong(by_pk[third.question_id])
        attempt_answer(attempt=attempt, item=third, selected=[wrong], flagged=False)
        attempt_submit(attempt=attempt)

        ratings = {
            card.question_id: card.last_rating for card in ReviewCard.objects.filter(user=user)
        }
        assert ratings == {
            questions[0].pk: fsrs.Rating.Hard,
            questions[1].pk: fsrs.Rating.Good,
            questions[2].pk: fsrs.Rating.Again,
        }

    def test_a_scored_question_left_unanswered_comes_back_as_a_miss(self, user):
        """It scored zero on the result: the learner did not know it."""
        QuestionFactory.create_batch(3)
        blueprint = BlueprintFactory(question_count=3, unscored_count=1)
        attempt = attempt_start(user=user, blueprint=blueprint).attempt
        attempt_submit(attempt=attempt)
        scored = set(attempt.items.filter(scored=True).values_list("question_id", flat=True))
        cards = ReviewCard.objects.filter(user=user)
        assert {card.question_id for card in cards} == scored  # an unscored blank makes none
        assert {card.last_rating for card in cards} == {fsrs.Rating.Again}


class TestConfidence:
    @pytest.mark.parametrize(
        ("posted", "sure", "rating"),
        [("1", True, fsrs.Rating.Good), ("0", False, fsrs.Rating.Hard), (None, True, 3)],
    )
    def test_the_button_pressed_sets_the_rating(self, auth_client, user, posted, sure, rating):
        question = QuestionFactory()
        cards_record(user=user, answers=[Answer(question.pk, correct=False)])
        right, _ = right_and_wrong(question)
        data = {"question": question.pk, "choice": right}
        if posted is not None:
            data["sure"] = posted
        auth_client.post(ANSWER, data, headers=HX)
        assert PracticeAnswer.objects.get().sure is sure
        assert card_of(user, question).last_rating == rating

    def test_the_question_offers_both_buttons(self, client):
        question = QuestionFactory()
        response = client.get(question.get_absolute_url())
        assertContains(response, 'name="sure" value="1"')
        assertContains(response, 'name="sure" value="0"')

    def test_feedback_says_when_the_question_comes_back(self, auth_client):
        question = QuestionFactory()
        _, wrong = right_and_wrong(question)
        response = auth_client.post(ANSWER, {"question": question.pk, "choice": wrong}, headers=HX)
        assertContains(response, "review queue</a>")

    def test_a_guest_is_invited_to_sign_up_for_reviews(self, client):
        question = QuestionFactory()
        _, wrong = right_and_wrong(question)
        response = client.post(ANSWER, {"question": question.pk, "choice": wrong}, headers=HX)
        assertContains(response, "come back for review")


class TestReviewPage:
    url = "/review/"

    def test_guests_are_sent_to_log_in(self, client):
        assertRedirects(
            client.get(self.url), "/accounts/login/?next=/review/", fetch_redirect_response=False
        )

    def test_serves_the_most_overdue_card_without_revealing_the_key(self, auth_client, user):
        older, newer = QuestionFactory.create_batch(2)
        start = timezone.now()
        with time_machine.travel(start - timedelta(hours=2), tick=False):
            answer(user, older, correct=False)
        answer(user, newer, correct=False)
        response = auth_client.get(self.url)
        assertContains(response, older.stem)
        assertContains(response, '<input type="hidden" name="topic" value="review">', html=True)
        assertNotContains(response, "Correct answer")
        assertNotContains(response, "is_correct")
        assert response.context["review_due"] == 2

    def test_answering_a_due_card_reschedules_it_and_offers_the_next(self, auth_client, user):
        question = QuestionFactory()
        answer(user, question, correct=False)
        right, _ = right_and_wrong(question)
        with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
            response = auth_client.post(
                ANSWER, {"question": question.pk, "choice": right, "topic": "review"}, headers=HX
            )
            assertContains(response, 'href="/review/"')
            assertContains(response, "Next review of this question in")
            assert next_card(user) is None
            page = auth_client.get(self.url)
        assertContains(page, "Nothing due right now")
        assert PracticeAnswer.objects.filter(topic="review").count() == 1

    def test_unpublished_questions_leave_the_queue(self, auth_client, user):
        question = QuestionFactory()
        answer(user, question, correct=False)
        Question.objects.filter(pk=question.pk).update(status=Question.Status.DRAFT)
        assertContains(auth_client.get(self.url), "Nothing due right now")

    def test_a_leech_suggests_its_lesson(self, auth_client, user):
        question = QuestionFactory()
        for _ in range(8):
            answer(user, question, correct=False)
        response = auth_client.get(self.url)
        assertContains(response, "keeps slipping")
        assertContains(response, question.lesson.get_absolute_url())

    def test_nobody_sees_another_learners_cards(self, auth_client):
        other = UserFactory()
        answer(other, QuestionFactory(), correct=False)
        response = auth_client.get(self.url)
        assertContains(response, "You have no questions to review yet")

    @pytest.mark.parametrize("cards", [5, 200])
    def test_query_count_is_fixed(self, auth_client, user, django_assert_max_num_queries, cards):
        questions = QuestionFactory.create_batch(cards)
        cards_record(user=user, answers=[Answer(q.pk, correct=False) for q in questions])
        with django_assert_max_num_queries(7):
            response = auth_client.get(self.url)
        assert response.status_code == 200


class TestPersonalSets:
    def test_missed_holds_questions_whose_last_answer_was_wrong(self, auth_client, user):
        missed, fixed = QuestionFactory.create_batch(2)
        answer(user, missed, correct=False)
        answer(user, fixed, correct=False)
        answer(user, fixed, correct=True)
        assert list(Question.objects.missed_by(user)) == [missed]
        assertContains(auth_client.get("/practice/missed/"), missed.stem)

    def test_unseen_leaves_out_practised_and_exam_questions(self, user):
        practised, in_exam, fresh = QuestionFactory.create_batch(3)
        answer(user, practised, correct=True)
        attempt = attempt_start(user=user, blueprint=BlueprintFactory(question_count=3)).attempt
        attempt.items.exclude(question=in_exam).delete()
        assert list(Question.objects.unseen_by(user)) == [fresh]
        assert list(Question.objects.unseen_by(UserFactory())) == [practised, in_exam, fresh]

    def test_empty_sets_say_what_to_do_instead(self, auth_client):
        QuestionFactory()
        assertContains(auth_client.get("/practice/missed/"), "Nothing to revisit")

    @pytest.mark.parametrize("path", ["/practice/missed/", "/practice/unseen/"])
    def test_guests_are_sent_to_log_in(self, client, path):
        assertRedirects(
            client.get(path), f"/accounts/login/?next={path}", fetch_redirect_response=False
        )


class TestAroundTheSite:
    def test_the_exam_result_points_to_the_review_queue(self, auth_client, user):
        question = QuestionFactory()
        attempt = attempt_start(user=user, blueprint=BlueprintFactory(question_count=1)).attempt
        _, wrong = right_and_wrong(question)
        attempt_answer(attempt=attempt, item=attempt.items.get(), selected=[wrong], flagged=False)
        attempt_submit(attempt=attempt)
        response = auth_client.get(f"/attempts/{attempt.pk}/result/")
        assertContains(response, "1 question you missed (answered wrong) is now in your")

    def test_instructors_can_list_leeches(self, admin_client, user):
        slippery, fine = QuestionFactory.create_batch(2)
        for _ in range(ReviewCard.LEECH_LAPSES):
            answer(user, slippery, correct=False)
        answer(user, fine, correct=False)
        response = admin_client.get("/admin/quizzes/reviewcard/?leech=yes")
        assertContains(response, slippery.ref)
        assertNotContains(response, fine.ref)

    def test_practice_home_offers_a_learners_own_sets(self, auth_client):
        page = auth_client.get("/practice/")
        for path in ("/practice/missed/", "/practice/unseen/", "/review/"):
            assertContains(page, f'href="{path}"')
        assertNotContains(Client().get("/practice/"), 'href="/practice/missed/"')

    def test_review_works_without_javascript(self, auth_client, user):
        question = QuestionFactory()
        answer(user, question, correct=False)
        right, _ = right_and_wrong(question)
        response = auth_client.post(
            ANSWER, {"question": question.pk, "choice": right, "topic": "review", "sure": "0"}
        )
        feedback = auth_client.get(response["Location"])
        assertContains(feedback, "Right.")
        assertContains(feedback, 'href="/review/"')
        assertContains(feedback, "Next review of this question in")


class TestReviewFeelsLikeAReview:
    url = "/review/"

    def test_each_answer_updates_the_header_badge_and_the_due_count(self, auth_client, user):
        questions = QuestionFactory.create_batch(3)
        for question in questions:
            answer(user, question, correct=False)
        page = auth_client.get(self.url)
        assertContains(page, '<span id="review-badge" class="badge">3<span')
        assertContains(page, "<strong>3</strong> questions due now.")
        served = page.context["question"]
        right, _ = right_and_wrong(served)
        with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
            response = auth_client.post(
                ANSWER, {"question": served.pk, "choice": right, "topic": "review"}, headers=HX
            )
        html = response.content.decode()
        assert '<span id="review-badge" class="badge" hx-swap-oob="true">2<span' in html
        assert 'id="review-due" class="review-due" hx-swap-oob="true"><strong>2</strong>' in html

    def test_the_last_due_answer_empties_the_badge(self, auth_client, user):
        question = QuestionFactory()
        answer(user, question, correct=False)
        right, _ = right_and_wrong(question)
        with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
            response = auth_client.post(
                ANSWER, {"question": question.pk, "choice": right, "topic": "review"}, headers=HX
            )
        assertContains(response, '<span id="review-badge" hx-swap-oob="true"></span>', html=True)

    def test_a_miss_says_when_it_comes_back_instead_of_linking_to_this_page(
        self, auth_client, user
    ):
        question = QuestionFactory()
        answer(user, question, correct=False)
        _, wrong = right_and_wrong(question)
        response = auth_client.post(
            ANSWER, {"question": question.pk, "choice": wrong, "topic": "review"}, headers=HX
        )
        assertContains(response, "It comes back in about ")
        assert re.search(r"about (9|10)\xa0minutes", response.content.decode())
        assertContains(response, "after any other questions due now")
        assertNotContains(response, "review queue</a>")

    def test_a_card_missed_now_waits_until_the_other_due_cards_are_done(self, auth_client, user):
        questions = QuestionFactory.create_batch(3)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            for question in questions:
                answer(user, question, correct=False)
        served = []
        for minute in range(1, 7):
            with time_machine.travel(start + timedelta(minutes=minute), tick=False):
                question = auth_client.get(self.url).context["question"]
                served.append(question.pk)
                _, wrong = right_and_wrong(question)
                auth_client.post(
                    ANSWER,
                    {"question": question.pk, "choice": wrong, "topic": "review"},
                    headers=HX,
                )
        assert sorted(served[:3]) == sorted(q.pk for q in questions)
        assert served[3:] == served[:3]

    def test_the_wording_is_a_reviews(self, auth_client, user):
        question = QuestionFactory()
        answer(user, question, correct=False)
        page = auth_client.get(self.url)
        assertContains(page, "No reviews yet in this session.")
        assertNotContains(page, "on this topic")
        right, _ = right_and_wrong(question)
        response = auth_client.post(
            ANSWER, {"question": question.pk, "choice": right, "topic": "review"}, headers=HX
        )
        assertContains(response, "<strong>1</strong> reviewed, <strong>1</strong> right")
        assertNotContains(response, "on this topic")


class TestHeaderCount:
    """The header's due count is cached for a minute and forgotten on every card write."""

    url = "/lessons/"  # any signed-in page with the header

    def badge(self, client: Client) -> str:
        found = re.search(r'id="review-badge"[^>]*>(\d*)', client.get(self.url).content.decode())
        return found.group(1)

    def test_the_second_page_reads_the_count_from_the_cache(
        self, auth_client, user, django_assert_num_queries
    ):
        answer(user, QuestionFactory(), correct=False)
        assert self.badge(auth_client) == "1"
        first = auth_client.get(self.url)
        ReviewCard.objects.filter(user=user).update(due=timezone.now() + timedelta(days=9))
        # Changed behind the app's back (no answer): the header may lag a minute.
        assert self.badge(auth_client) == "1"
        with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
            assert self.badge(auth_client) == ""
        assert first.status_code == 200

    def test_a_practice_answer_refreshes_the_count_at_once(self, auth_client, user):
        questions = QuestionFactory.create_batch(2)
        answer(user, questions[0], correct=False)
        assert self.badge(auth_client) == "1"
        _, wrong = right_and_wrong(questions[1])
        auth_client.post(ANSWER, {"question": questions[1].pk, "choice": wrong})
        assert self.badge(auth_client) == "2"

    def test_an_exam_submission_refreshes_the_count_at_once(self, auth_client, user):
        questions = QuestionFactory.create_batch(4)
        assert self.badge(auth_client) == ""
        blueprint = BlueprintFactory(question_count=4)
        attempt = attempt_start(user=user, blueprint=blueprint).attempt
        attempt_submit(attempt=attempt)  # every scored question left blank counts as wrong
        assert self.badge(auth_client) == str(len(questions))

    def test_one_learners_answer_leaves_anothers_cached_count_alone(self, client, user):
        other = UserFactory()
        answer(other, QuestionFactory(), correct=False)
        client.force_login(other)
        assert self.badge(client) == "1"
        answer(user, QuestionFactory(), correct=False)
        ReviewCard.objects.filter(user=other).delete()
        assert self.badge(client) == "1"  # still the cached count: only `user`'s was dropped
