"""An attempt never changes when its questions are edited or deleted: it keeps snapshots."""

from __future__ import annotations

import importlib
import random
import re

import pytest
from django.apps import apps
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.dashboard.mastery import dashboard_context
from quizzes.exams.attempts import attempt_answer, attempt_start, attempt_submit
from quizzes.exams.snapshots import snapshot_correct_ids
from quizzes.models import AttemptItem, Choice, PracticeAnswer, Question
from quizzes.practice.questions import question_answer
from srm_site.accounts.learner_data import learner_export
from tests.factories import BlueprintFactory, build_bank, multiple_question

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def blueprint():
    for question in build_bank(30):
        question.explanation = f"Explanation of {question.ref}."
        question.save()
    return BlueprintFactory(question_count=10, minutes=15)


def start(user, blueprint):
    return attempt_start(user=user, blueprint=blueprint, rng=random.Random(4)).attempt


def correct(item: AttemptItem) -> list[int]:
    return sorted(snapshot_correct_ids(item.snapshot))


def wrong(item: AttemptItem) -> int:
    return next(c["id"] for c in item.snapshot["choices"] if not c["is_correct"])


def article(html: str, position: int) -> str:
    """One question's review card on the result page."""
    match = re.search(rf'<article[^>]*id="q{position}">(.*?)</article>', html, re.S)
    assert match, f"no review of question {position}"
    return match.group(1)


def key_text(card: str) -> str:
    """The text of the choice marked as the key in a review card."""
    match = re.search(r'<li class="choice choice--key[^"]*">\s*(.*?)\s*<', card, re.S)
    assert match
    return match.group(1)


def edit(question: Question) -> None:
    """What an instructor might do: a new stem, a choice reworded, the key moved."""
    question.stem = "EDITED stem nobody saw"
    question.save()
    key = question.choices.get(is_correct=True)
    other = question.choices.filter(is_correct=False).first()
    key.text, key.is_correct = "EDITED choice text", False
    key.save()
    other.is_correct = True
    other.save()


class TestFinishedAttempt:
    def test_editing_and_deleting_questions_changes_nothing_in_the_result(
        self, auth_client, user, blueprint
    ):
        attempt = start(user, blueprint)
        first, second, third = attempt.items.order_by("position")[:3]
        attempt_answer(attempt=attempt, item=first, selected=correct(first), flagged=False)
        attempt_answer(attempt=attempt, item=second, selected=[wrong(second)], flagged=False)
        attempt_answer(attempt=attempt, item=third, selected=correct(third), flagged=True)
        attempt_submit(attempt=attempt)
        url = reverse("quizzes:attempt_result", args=[attempt.pk])
        before = auth_client.get(url).content.decode()
        score = (attempt.score, attempt.scaled_score, attempt.passed)
        old = first.snapshot
        old_key = next(c["text"] for c in old["choices"] if c["is_correct"])

        edit(first.question)
        deleted = second.question
        deleted_ref, deleted_explanation = deleted.ref, deleted.explanation
        deleted.delete()

        response = auth_client.get(url)
        html = response.content.decode()
        card = article(html, 1)
        assert old["stem"] in card and "EDITED" not in card
        assert key_text(card) == old_key
        assert [c["text"] for c in old["choices"]][0] in card
        # The deleted question's review still renders, explanation and lesson link too.
        gone = article(html, 2)
        assert deleted_explanation in gone and "Your answer" in gone
        assert f'href="/lessons/{second.snapshot["lesson"]["slug"]}/"' in gone
        # The same page as before: scores, breakdown and every review card.
        assert html.count('class="question-card review-item') == 10
        assert article(before, 1) == card and article(before, 2) == gone
        attempt.refresh_from_db()
        assert (attempt.score, attempt.scaled_score, attempt.passed) == score
        assertContains(response, f"<strong>{score[1]}</strong>")
        assert [a.total for a in response.context["breakdown"].services] == [2] * 5
        second.refresh_from_db()
        assert second.question_id is None and second.snapshot["ref"] == deleted_ref

    def test_the_learner_export_keeps_the_ref_and_choice_of_a_deleted_question(
        self, user, blueprint
    ):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        attempt_answer(attempt=attempt, item=item, selected=[wrong(item)], flagged=False)
        attempt_submit(attempt=attempt)
        ref = item.question.ref
        item.question.delete()
        exported = learner_export(user)["attempts"][0]["items"][0]
        assert exported["question_ref"] == ref
        assert exported["selected_choices"] == ["AWS"]


class TestAttemptInProgress:
    def test_moving_the_key_mid_attempt_does_not_change_the_grading(self, user, blueprint):
        attempt = start(user, blueprint)
        first, second = attempt.items.order_by("position")[:2]
        attempt_answer(attempt=attempt, item=first, selected=correct(first), flagged=False)
        attempt_answer(attempt=attempt, item=second, selected=[wrong(second)], flagged=False)
        for item in (first, second):
            edit(item.question)
        # The second learner's pick is now the live key; it was wrong as shown.
        assert Choice.objects.get(pk=wrong(second)).is_correct
        attempt_submit(attempt=attempt)
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.correct, second.correct) == (True, False)
        assert attempt.score == 1

    def test_the_exam_page_shows_the_snapshot_after_an_edit(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        edit(item.question)
        url = reverse("quizzes:attempt_question", args=[attempt.pk, 1])
        response = auth_client.get(url)
        assertContains(response, item.snapshot["stem"])
        assertNotContains(response, "EDITED")
        for choice in item.snapshot["choices"]:
            assertContains(response, f'value="{choice["id"]}"')
            assertContains(response, choice["text"])
            assertNotContains(response, choice["rationale"])
        assertNotContains(response, "is_correct")
        assertNotContains(response, "choice--key")

    def test_a_choice_added_since_the_start_is_refused(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        added = Choice.objects.create(question=item.question, position=9, text="New")
        url = reverse("quizzes:attempt_question", args=[attempt.pk, 1])
        assert auth_client.post(url, {"choice": added.pk}, headers=HX).status_code == 400
        ok = auth_client.post(url, {"choice": correct(item)}, headers=HX)
        assert ok.status_code == 200

    def test_a_deleted_question_is_still_answered_and_graded(self, auth_client, user, blueprint):
        attempt = start(user, blueprint)
        item = attempt.items.get(position=1)
        item.question.delete()
        url = reverse("quizzes:attempt_question", args=[attempt.pk, 1])
        assertContains(auth_client.get(url), item.snapshot["stem"])
        assert auth_client.post(url, {"choice": correct(item)}, headers=HX).status_code == 200
        confirm = auth_client.get(reverse("quizzes:attempt_submit", args=[attempt.pk]))
        assertContains(confirm, "9 not answered")
        attempt_submit(attempt=attempt)  # no review card for a question that is gone
        item.refresh_from_db()
        assert item.correct is True and attempt.score == 1


def test_the_admin_can_delete_a_question_used_in_attempts(admin_client, user, blueprint):
    attempt = start(user, blueprint)
    item = attempt.items.get(position=1)
    attempt_answer(attempt=attempt, item=item, selected=[wrong(item)], flagged=False)
    attempt_submit(attempt=attempt)  # a wrong answer: the question now has a review card too
    snapshot = item.snapshot
    response = admin_client.post(
        f"/admin/quizzes/question/{item.question_id}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Question.objects.filter(ref=snapshot["ref"]).exists()
    item.refresh_from_db()
    assert item.question_id is None and item.snapshot == snapshot
    assert attempt.items.count() == 10
    page = admin_client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/")
    assertContains(page, f"{snapshot['ref']} (deleted since)")


def test_the_data_migration_fills_a_missing_snapshot(user, blueprint):
    attempt = start(user, blueprint)
    item = attempt.items.get(position=1)
    snapshot = item.snapshot
    AttemptItem.objects.filter(pk=item.pk).update(snapshot={})
    migration = importlib.import_module("quizzes.migrations.0008_fill_attempt_snapshots")
    migration.fill(apps, None)
    item.refresh_from_db()
    # Snapshots of that migration's day had no sources; a result page shows none for them.
    assert item.snapshot == {key: value for key, value in snapshot.items() if key != "sources"}


def test_practice_answers_outlive_a_deleted_question(admin_client, user, blueprint):
    """The learner's practice record doesn't shrink when an instructor deletes a question."""
    question = Question.objects.published().first()
    key = question.choices.filter(is_correct=True).values_list("pk", flat=True)
    answer = question_answer(user=user, question=question, selected=[str(pk) for pk in key])
    before = dashboard_context(user)["practice"]

    response = admin_client.post(f"/admin/quizzes/question/{question.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.question_id is None and answer.question_ref == question.ref
    assert answer.correct is True
    assert dashboard_context(user)["practice"] == before
    [exported] = learner_export(user)["practice_answers"]
    assert exported["question_ref"] == question.ref and exported["correct"] is True


def test_the_data_migration_gives_earlier_practice_answers_their_question_ref(user, blueprint):
    question = Question.objects.published().first()
    answer = PracticeAnswer.objects.create(
        user=user, question=question, selected=[], correct=False
    )
    assert answer.question_ref == ""
    migration = importlib.import_module(
        "quizzes.migrations.0009_practice_answers_outlive_questions"
    )
    migration.refs_fill(apps, None)
    answer.refresh_from_db()
    assert answer.question_ref == question.ref


def test_items_carry_the_snapshots_choose_and_the_migration_fills_older_ones(user):
    build_bank(3)
    for n in range(3):
        multiple_question(ref=f"choose-two-{n}")
    attempt = start(user, BlueprintFactory(question_count=6, minutes=15))
    chooses = dict(attempt.items.values_list("position", "choose"))
    assert sorted(chooses.values()) == [1, 1, 1, 2, 2, 2]
    assert chooses == {item.position: item.snapshot["choose"] for item in attempt.items.all()}

    AttemptItem.objects.update(choose=1)  # as items started before the column were
    migration = importlib.import_module("quizzes.migrations.0010_attempt_item_choose")
    migration.choose_fill(apps, None)
    assert dict(attempt.items.values_list("position", "choose")) == chooses


def test_a_snapshot_holds_the_question_as_its_models_show_it(django_assert_num_queries):
    from lessons.models import Layer, Service
    from quizzes.exams.snapshots import snapshots_for
    from tests.factories import LayerFactory, ServiceFactory

    question = multiple_question()
    question.sources = [{"title": "AWS page", "url": "https://docs.aws.amazon.com/x.html"}]
    question.save()
    late, early = ServiceFactory(position=9), ServiceFactory(position=1)
    question.services.set([late, early])
    question.layers.set([LayerFactory(position=5), LayerFactory(position=2)])
    other = build_bank(1)[0]
    with django_assert_num_queries(4):
        snapshots = snapshots_for([question.pk, other.pk])
    snapshot = snapshots[question.pk]
    assert set(snapshots) == {question.pk, other.pk}
    assert {k: snapshot[k] for k in ("ref", "stem", "kind", "choose", "explanation")} == {
        "ref": question.ref,
        "stem": question.stem,
        "kind": question.kind,
        "choose": 2,
        "explanation": question.explanation,
    }
    assert snapshot["sources"] == question.sources
    assert snapshot["lesson"] == {"slug": question.lesson.slug, "title": question.lesson.title}
    # Tags in the models' display order, like question.services.all() lists them.
    assert snapshot["services"] == [
        {"slug": s.slug, "name": s.name} for s in Service.objects.filter(questions=question)
    ]
    assert snapshot["services"][0]["slug"] == early.slug
    assert snapshot["layers"] == [
        {"slug": row.slug, "name": row.name} for row in Layer.objects.filter(questions=question)
    ]
    assert snapshot["choices"] == [
        {
            "id": c.pk,
            "position": c.position,
            "text": c.text,
            "is_correct": c.is_correct,
            "rationale": c.rationale,
        }
        for c in question.choices.order_by("position", "pk")
    ]
    assert sum(c["is_correct"] for c in snapshot["choices"]) == 2
