"""Two learners with some of everything: attempts, practice answers, review cards."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from quizzes.exams.attempts import attempt_start, attempt_submit
from quizzes.models import Attempt, PracticeAnswer, Question
from quizzes.practice.questions import question_answer
from tests.factories import BlueprintFactory, QuestionFactory, UserFactory, build_bank


@dataclass
class Learner:
    user: object
    client: Client
    live: Attempt
    finished: Attempt
    answer: PracticeAnswer | None
    missed: Question | None


def wrong_choice(question: Question) -> str:
    return str(question.choices.filter(is_correct=False).order_by("position").first().pk)


def make_learner(name: str) -> Learner:
    user = UserFactory(username=name)
    live = attempt_start(user=user, blueprint=BlueprintFactory(question_count=5)).attempt
    finished = attempt_start(user=user, blueprint=BlueprintFactory(question_count=5)).attempt
    attempt_submit(attempt=finished)
    client = Client()
    client.force_login(user)
    return Learner(user, client, live, finished, answer=None, missed=None)


def miss_a_question(learner: Learner) -> None:
    """Answer a question of the learner's own wrongly: a practice answer and a review card."""
    name = learner.user.username
    learner.missed = QuestionFactory(ref=f"{name}-missed", stem=f"Only {name} missed this")
    learner.answer = question_answer(
        user=learner.user, question=learner.missed, selected=[wrong_choice(learner.missed)]
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs about half a second a user; these tests check access, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def learners(db) -> tuple[Learner, Learner]:
    """Learner A (`alice`) and learner B (`bob`), each logged in on their own client."""
    build_bank(10)
    pair = make_learner("alice"), make_learner("bob")
    # After both exams are drawn, so neither exam holds the other's missed question.
    for learner in pair:
        miss_a_question(learner)
    return pair
