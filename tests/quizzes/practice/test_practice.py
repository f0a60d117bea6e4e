from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quizzes.models import PracticeAnswer, Question
from tests.factories import (
    LessonFactory,
    QuestionFactory,
    ServiceFactory,
    multiple_question,
    owner_question,
)

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
ANSWER = "/practice/answer"


def key_and_wrong(question: Question):
    choices = list(question.choices.order_by("position"))
    return [c for c in choices if c.is_correct], [c for c in choices if not c.is_correct]


class TestQuestionPage:
    def test_nothing_on_the_page_tells_the_right_choice_apart(self, client):
        question = QuestionFactory()
        html = client.get("/practice/mixed/").content.decode()
        assert question.explanation not in html
        assert "Rationale for" not in html
        # Each choice's markup is identical once its own id and text are removed.
        blocks = re.findall(r'<div class="choice">.*?</div>', html, re.S)
        assert len(blocks) == 4
        texts = {str(c.pk): c.text for c in question.choices.all()}
        shapes = set()
        for block in blocks:
            pk = re.search(r'value="(\d+)"', block).group(1)
            shapes.add(block.replace(pk, "X").replace(texts[pk], "X"))
        assert len(shapes) == 1
        # (The footer's "Corrections" link is site navigation, not about this question.)
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert "correct" not in main.lower().replace("correct</strong>", "")

    def test_multiple_states_how_many_to_choose(self, client):
        multiple_question()
        response = client.get("/practice/mixed/")
        assertContains(response, "Choose 2 answers")
        assertContains(response, 'type="checkbox"', count=5)

    def test_topic_filters_by_service(self, client):
        ec2 = ServiceFactory(slug="ec2")
        wanted = QuestionFactory(stem="About EC2 only")
        wanted.services.add(ec2)
        QuestionFactory(stem="About something else")
        for _ in range(5):
            assertContains(client.get("/practice/service/ec2/"), "About EC2 only")

    def test_drafts_never_reach_learners(self, client):
        QuestionFactory(stem="Unfinished draft", status=Question.Status.DRAFT)
        assertNotContains(client.get("/practice/mixed/"), "Unfinished draft")
        assertContains(client.get("/practice/mixed/"), "no published questions")

    def test_unknown_topic_is_404(self, client):
        assert client.get("/practice/service/mainframe/").status_code == 404

    @pytest.mark.parametrize("bank", [20, 500])
    def test_query_count_is_fixed(self, auth_client, django_assert_max_num_queries, bank):
        lesson = LessonFactory()
        QuestionFactory.create_batch(bank, lesson=lesson)
        with django_assert_max_num_queries(9):  # +1: the header's count of reviews due
            response = auth_client.get(f"/practice/lesson/{lesson.slug}/")
        assertContains(response, "Check, I’m sure")


class TestAnswer:
    def test_htmx_answer_swaps_in_feedback_with_explanation_and_rationale(self, client):
        question = QuestionFactory()
        key, wrong = key_and_wrong(question)
        response = client.post(
            ANSWER, {"question": question.pk, "choice": wrong[0].pk, "topic": "mixed"}, headers=HX
        )
        html = response.content.decode()
        assert "<html" not in html
        assert "Not quite." in html
        assert question.explanation in html
        assert f"You picked “{wrong[0].text}”:</strong> {wrong[0].rationale}" in html
        assert "Correct answer" in html and key[0].text in html
        assert question.lesson.get_absolute_url() in html
        assert 'id="practice-tally" class="tally" hx-swap-oob="true"' in html
        assert '<h2 id="feedback-title" class="verdict verdict--wrong" tabindex="-1"' in html
        assert "autofocus" not in html  # in place, site.js moves focus after the swap
        assert "<strong>1</strong> answered, <strong>0</strong> right" in html

    def test_right_answer_is_recorded_for_the_learner(self, auth_client, user):
        question = QuestionFactory()
        key, _ = key_and_wrong(question)
        response = auth_client.post(
            ANSWER, {"question": question.pk, "choice": key[0].pk}, headers=HX
        )
        assertContains(response, "Right.")
        answer = PracticeAnswer.objects.get()
        assert (answer.user, answer.correct, answer.selected) == (user, True, [key[0].pk])

    def test_without_javascript_posts_then_redirects_to_feedback(self, client):
        question = QuestionFactory()
        key, _ = key_and_wrong(question)
        response = client.post(
            ANSWER, {"question": question.pk, "choice": key[0].pk, "topic": "mixed"}
        )
        answer = PracticeAnswer.objects.get()
        assertRedirects(response, reverse("quizzes:practice_feedback", args=[answer.pk]))
        page = client.get(response["Location"])
        assertContains(page, "Right.")
        assertContains(page, "data-focus-after-swap autofocus>")
        assertContains(page, "Next question")

    def test_multiple_is_graded_all_or_nothing(self, client):
        question = multiple_question()
        key, wrong = key_and_wrong(question)
        client.post(ANSWER, {"question": question.pk, "choice": [key[0].pk, wrong[0].pk]})
        client.post(ANSWER, {"question": question.pk, "choice": [k.pk for k in key]})
        assert list(PracticeAnswer.objects.order_by("pk").values_list("correct", flat=True)) == [
            False,
            True,
        ]

    @pytest.mark.parametrize(
        ("choices", "message"),
        [
            ([], "Choose an answer before checking it."),
            (["first-two"], None),
            (["999999"], "wasn’t one of the choices"),
            (["nonsense"], "wasn’t one of the choices"),
        ],
    )
    def test_bad_input_gets_a_clear_message_and_stores_nothing(self, client, choices, message):
        question = QuestionFactory()
        ids = [c.pk for c in question.choices.all()]
        if choices == ["first-two"]:
            choices, message = ids[:2], "Choose exactly one answer."
        response = client.post(ANSWER, {"question": question.pk, "choice": choices}, headers=HX)
        assertContains(response, message)
        assertContains(response, "Check, I’m sure")  # the question stays, ready to retry
        assert not PracticeAnswer.objects.exists()
        plain = client.post(ANSWER, {"question": question.pk, "choice": choices})
        assert plain.status_code == 400

    @pytest.mark.parametrize("htmx", [True, False])
    def test_a_short_count_keeps_every_tick_and_says_how_many_more(self, client, htmx):
        question = QuestionFactory(
            kind=Question.Kind.MULTIPLE,
            choose=3,
            choices=[("A", True), ("B", True), ("C", True), ("D", False), ("E", False)],
        )
        ids = list(question.choices.order_by("position").values_list("pk", flat=True))
        response = client.post(
            ANSWER, {"question": question.pk, "choice": ids[:2]}, headers=HX if htmx else {}
        )
        assertContains(
            response,
            "Choose 1 more: this question needs 3 answers.",
            status_code=200 if htmx else 400,
        )
        html = response.content.decode()
        for pk, ticked in zip(ids, [True, True, False, False, False], strict=True):
            tag = re.search(rf'<input[^>]*id="choice-{pk}"[^>]*>', html).group(0)
            assert (" checked" in tag) is ticked, tag
        assert not PracticeAnswer.objects.exists()

    def test_the_shared_card_cache_never_holds_ticks(self, client):
        """A refusal's ticks are the learner's: the next visitor sees a clean card."""
        question = multiple_question()
        ids = list(question.choices.values_list("pk", flat=True))
        client.post(ANSWER, {"question": question.pk, "choice": ids[:1]}, headers=HX)
        page = Client().get(reverse("quizzes:practice_question", args=[question.pk]))
        assert re.search(r"<input[^>]* checked", page.content.decode()) is None

    def test_choice_from_another_question_is_refused(self, client):
        question, other = QuestionFactory(), QuestionFactory()
        foreign = other.choices.first().pk
        response = client.post(ANSWER, {"question": question.pk, "choice": foreign}, headers=HX)
        assertContains(response, "wasn’t one of the choices")
        assert not PracticeAnswer.objects.exists()

    def test_draft_questions_cannot_be_answered(self, client):
        draft = QuestionFactory(status=Question.Status.DRAFT)
        response = client.post(ANSWER, {"question": draft.pk, "choice": draft.choices.first().pk})
        assert response.status_code == 404

    @pytest.mark.parametrize("bank", [20, 500])
    def test_query_count_is_fixed(self, auth_client, django_assert_max_num_queries, bank):
        questions = QuestionFactory.create_batch(bank)
        question = questions[bank // 2]
        key, _ = key_and_wrong(question)
        with django_assert_max_num_queries(
            12
        ):  # +4: the review card: a locked read, and a write when the answer is wrong
            response = auth_client.post(
                ANSWER,
                {"question": question.pk, "choice": key[0].pk, "topic": "mixed"},
                headers=HX,
            )
        assertContains(response, "Right.")


class TestFeedbackPage:
    def test_another_learner_cannot_see_my_answer(self, auth_client, user):
        question = QuestionFactory()
        auth_client.post(ANSWER, {"question": question.pk, "choice": question.choices.first().pk})
        answer = PracticeAnswer.objects.get()
        stranger = Client()
        assert stranger.get(f"/practice/answers/{answer.pk}/").status_code == 404
        assert auth_client.get(f"/practice/answers/{answer.pk}/").status_code == 200

    def test_a_guest_sees_their_own_answer_only(self, client):
        question = QuestionFactory()
        client.post(ANSWER, {"question": question.pk, "choice": question.choices.first().pk})
        answer = PracticeAnswer.objects.get()
        assert client.get(f"/practice/answers/{answer.pk}/").status_code == 200
        assert Client().get(f"/practice/answers/{answer.pk}/").status_code == 404

    @pytest.mark.parametrize(
        ("topic", "label"),
        [
            ("service:ec2", "Amazon EC2"),
            ("layer:guest-os", "Guest operating system"),
            ("lesson:ec2", "Amazon EC2: the operating system and everything above it is yours"),
            ("mixed", "Mixed practice"),
            ("service:gone", "Mixed practice"),
        ],
    )
    def test_breadcrumb_names_the_topic(
        self, client, shipped_content, django_assert_max_num_queries, topic, label
    ):
        question = Question.objects.published().first()
        client.post(
            ANSWER,
            {"question": question.pk, "choice": question.choices.first().pk, "topic": topic},
        )
        answer = PracticeAnswer.objects.get()
        with django_assert_max_num_queries(6):
            response = client.get(f"/practice/answers/{answer.pk}/")
        assert response.status_code == 200
        crumbs = response.content.decode().split('class="breadcrumbs"', 1)[1].split("</nav>")[0]
        assert f">{escape(label)}</a>" in crumbs
        assert f">{topic.partition(':')[2]}</a>" not in crumbs  # never the raw slug

    def test_drill_breadcrumb_names_the_drill(self, client, shipped_content):
        cell = client.get("/practice/drill/").context["cell"]
        client.post("/practice/drill/answer", {"cell": cell.pk, "owner": cell.owner})
        answer = PracticeAnswer.objects.get()
        response = client.get(f"/practice/answers/{answer.pk}/")
        assertContains(response, '<a href="/practice/drill/">Matrix drill</a>')


class TestDrill:
    def test_generates_an_owner_question_from_a_matrix_cell(self, client, shipped_content):
        response = client.get("/practice/drill/")
        assert response.status_code == 200
        cell = response.context["cell"]
        assert cell.owner != "n/a"
        assertContains(response, f"On {cell.service.name}, ")
        for label in ("AWS", "Customer", "Shared"):
            assertContains(response, f">{label}</label>")
        # The owner isn't in the page before answering.
        assertNotContains(response, escape(cell.aws_part))
        assertNotContains(response, escape(cell.customer_part))

    def test_answer_is_explained_from_the_cell(self, client, shipped_content):
        cell = client.get("/practice/drill/").context["cell"]
        response = client.post(
            "/practice/drill/answer", {"cell": cell.pk, "owner": cell.owner}, headers=HX
        )
        assertContains(response, "Right.")
        assertContains(response, escape(cell.customer_part))
        assert PracticeAnswer.objects.get().cell == cell

    def test_unknown_owner_is_refused(self, client, shipped_content):
        cell = client.get("/practice/drill/").context["cell"]
        response = client.post(
            "/practice/drill/answer", {"cell": cell.pk, "owner": "nobody"}, headers=HX
        )
        assertContains(response, "Choose AWS, Customer or Shared.")
        assert not PracticeAnswer.objects.exists()


class TestCheckYourself:
    def test_lesson_page_shows_one_question_from_its_bank(self, client):
        question = owner_question()
        response = client.get(question.lesson.get_absolute_url())
        assertContains(response, "Check yourself")
        assertContains(response, f'name="question" value="{question.pk}"')
        assertContains(response, 'name="topic" value="lesson:')
        assertNotContains(response, question.explanation)

    def test_answer_in_a_lesson_swaps_in_feedback_without_a_tally(self, client):
        question = owner_question()
        page = client.get(question.lesson.get_absolute_url())
        assertContains(page, 'name="in_lesson" value="1"')
        key, _ = key_and_wrong(question)
        data = {
            "question": question.pk,
            "choice": key[0].pk,
            "topic": "lesson:x",
            "in_lesson": "1",
        }
        response = client.post(ANSWER, data, headers=HX)
        assertContains(response, 'id="feedback-title"')
        # The lesson page has no #practice-tally, so an out-of-band swap would be an htmx error.
        assertNotContains(response, "practice-tally")
        refused = client.post(ANSWER, {**data, "choice": []}, headers=HX)
        assertContains(refused, 'name="in_lesson" value="1"')

    def test_lesson_without_questions_shows_no_box(self, client):
        lesson = LessonFactory()
        assertNotContains(client.get(lesson.get_absolute_url()), "Check yourself")


def test_practice_home_lists_topics(client, shipped_content, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get("/practice/")
    assertContains(response, 'href="/practice/service/ec2/"')
    assertContains(response, 'href="/practice/layer/guest-os/"')
    assertContains(response, 'href="/practice/drill/"')


def test_preview_as_learner_shows_drafts_to_staff_only(admin_client, client):
    draft = QuestionFactory(status=Question.Status.DRAFT)
    assertContains(admin_client.get(draft.get_absolute_url()), "Draft preview")
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "1.5", "-1", "9" * 30, "<script>", "1 OR 1=1"])
def test_hostile_ids_are_404_not_server_errors(client, value):
    QuestionFactory()
    assert client.post(ANSWER, {"question": value, "choice": "1"}).status_code == 404
    drill = client.post("/practice/drill/answer", {"cell": value, "owner": "aws"})
    assert drill.status_code == 404
    assert not PracticeAnswer.objects.exists()


@pytest.mark.parametrize("topic", ["service:\x00", "lesson:a\x00b", "layer:<b>", "service: x"])
def test_answer_with_a_topic_key_that_is_not_a_slug_counts_as_mixed(client, topic):
    # The key is stored with the answer: a NUL byte in it was a server error on PostgreSQL.
    question = QuestionFactory()
    right, _ = key_and_wrong(question)
    response = client.post(
        ANSWER, {"question": question.pk, "choice": right[0].pk, "topic": topic}
    )
    answer = PracticeAnswer.objects.get()
    assertRedirects(response, f"/practice/answers/{answer.pk}/", fetch_redirect_response=False)
    assert answer.topic == "mixed"
