"""Practice mode: choosing the next question for a topic, and checking answers.

A topic is a service, a layer, a lesson, the whole bank ("mixed"), one of a
learner's personal sets ("missed", "unseen"), or the matrix drill, where owner
questions are generated from Responsibility rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from lessons.models import Layer, Lesson, Owner, Responsibility, Service
from quizzes.bank.grading import choice_count_problem, is_correct
from quizzes.models import Choice, PracticeAnswer, Question
from quizzes.review.cards import Answer, cards_record
from srm_site.shared.hot_reads import check_yourself_rows, loaded

SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what a <slug:…> URL converter accepts
RECENT_LIMIT = 30  # questions remembered per topic so practice doesn't repeat itself


class AnswerError(ValueError):
    """The submitted answer can't be graded; the message says what to fix."""


# Topics without a slug, with the label a page shows for them.
PLAIN_TOPICS = {
    "mixed": "Mixed practice",
    "drill": "Matrix drill",
    "missed": "Questions you got wrong",
    "unseen": "Questions you haven’t seen yet",
    "review": "Review",
}
PERSONAL_TOPICS = ("missed", "unseen", "review")  # need a signed-in learner


@dataclass(frozen=True)
class Topic:
    kind: str  # service | layer | lesson | one of PLAIN_TOPICS
    slug: str = ""
    label: str = "Mixed practice"
    subject: Service | Layer | Lesson | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.slug}" if self.slug else self.kind

    @property
    def is_personal(self) -> bool:
        return self.kind in PERSONAL_TOPICS

    def get_absolute_url(self) -> str:
        if self.kind == "review":
            return reverse("quizzes:review")
        if self.kind in PLAIN_TOPICS:
            return reverse(f"quizzes:practice_{self.kind}")
        return reverse(f"quizzes:practice_{self.kind}", kwargs={"slug": self.slug})

    def questions(self, user=None) -> QuerySet[Question]:
        questions = Question.objects.published()
        if self.kind == "service":
            return questions.for_service(self.subject)
        if self.kind == "layer":
            return questions.for_layer(self.subject)
        if self.kind == "lesson":
            return questions.for_lesson(self.subject)
        if self.kind == "missed":
            return questions.missed_by(user)
        if self.kind == "unseen":
            return questions.unseen_by(user)
        return questions


TOPIC_MODELS = {"service": Service, "layer": Layer, "lesson": Lesson}


def topic_get_or_404(kind: str, slug: str = "") -> Topic:
    """The topic named in a URL; an unknown service, layer or lesson is a 404."""
    if kind in PLAIN_TOPICS:
        return Topic(kind=kind, label=PLAIN_TOPICS[kind])
    model = TOPIC_MODELS[kind]
    queryset = Lesson.objects.published() if model is Lesson else model.objects.all()
    subject = get_object_or_404(queryset, slug=slug)
    label = getattr(subject, "title", None) or subject.name
    return Topic(kind=kind, slug=slug, label=label, subject=subject)


def topic_from_key(key: str) -> Topic | None:
    """Rebuild a topic from its key without touching the database (label left generic).

    A slug must look like one (as in the URLs): a posted key is stored with the
    answer, and PostgreSQL refuses text with a NUL byte, a server error.
    """
    kind, _, slug = key.partition(":")
    if kind in PLAIN_TOPICS and not slug:
        return Topic(kind=kind, label=PLAIN_TOPICS[kind])
    if kind in TOPIC_MODELS and SLUG.fullmatch(slug):
        return Topic(kind=kind, slug=slug, label=slug)
    return None


def topic_named(key: str) -> Topic:
    """The topic behind a stored key, with its human name for a page (one query at most).

    A subject that has since gone (renamed, deleted, unpublished) falls back to
    mixed practice rather than a broken link labelled with a raw slug.
    """
    topic = topic_from_key(key) or Topic(kind="mixed")
    try:
        return topic_get_or_404(topic.kind, topic.slug)
    except Http404:
        return topic_get_or_404("mixed")


def _ready_to_answer(questions: QuerySet[Question]) -> QuerySet[Question]:
    """With what grading and the feedback page read: the lesson and the ordered choices."""
    return questions.select_related("lesson").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position"))
    )


def question_pick(*, topic: Topic, recent: Sequence[int] = (), user=None) -> Question | None:
    """A random published question of the topic, avoiding the ones just seen.

    When every question has been seen recently, starts over rather than stopping.
    """
    candidates = _ready_to_answer(topic.questions(user).order_by("?"))
    return candidates.exclude(pk__in=recent).first() or (candidates.first() if recent else None)


def lesson_question_pick(*, lesson_id: int) -> tuple[Question, list[Choice]] | None:
    """One of the lesson's published questions at random and its choices, for "check
    yourself" (one query, see srm_site.shared.hot_reads), or None when it has none.

    Only what the question card shows is read; which choices are right is not.
    """
    found = check_yourself_rows(lesson_id=lesson_id, status=Question.Status.PUBLISHED)
    if found is None:
        return None
    question_columns, choice_columns = found
    question = loaded(Question, question_columns)
    return question, [loaded(Choice, columns) for columns in choice_columns]


def as_id(value: object) -> int:
    """A posted id as an int; anything else is a 404, never a server error."""
    try:
        return int(str(value))
    except ValueError:
        raise Http404("No such item.") from None


def question_for_answer(pk: object) -> Question:
    """A published question with its choices and lesson, for grading (404 otherwise)."""
    return get_object_or_404(_ready_to_answer(Question.objects.published()), pk=as_id(pk))


def ticked_choices(question: Question, selected: Sequence[str]) -> set[int]:
    """The question's choices among what was sent, to show them ticked again after a refusal."""
    # Compared as text: a digit string too long for int() (Python caps the length) is no choice.
    by_text = {str(choice.pk): choice.pk for choice in question.choices.all()}
    return {by_text[value] for value in selected if value in by_text}


def question_answer(
    *, user, question: Question, selected: Sequence[str], topic_key: str = "", sure: bool = True
) -> PracticeAnswer:
    """Grade and store one answer, and schedule the learner's review card for it.

    Raises AnswerError (and stores nothing) on bad input. The stored answer
    carries the card as `answer.card` (None when the question has none).
    """
    choice_ids = {choice.pk for choice in question.choices.all()}
    try:
        picked = sorted({int(value) for value in selected})
    except (TypeError, ValueError):
        raise AnswerError("That answer wasn’t one of the choices. Please choose again.") from None
    if not picked:
        raise AnswerError("Choose an answer before checking it.")
    if not set(picked) <= choice_ids:
        raise AnswerError("That answer wasn’t one of the choices. Please choose again.")
    if len(picked) != question.choose:
        raise AnswerError(
            choice_count_problem(picked=len(picked), choose=question.choose)
            if question.choose > 1
            else "Choose exactly one answer."
        )
    correct_ids = [choice.pk for choice in question.choices.all() if choice.is_correct]
    answer = PracticeAnswer.objects.create(
        user=user if user.is_authenticated else None,
        question=question,
        question_ref=question.ref,
        selected=picked,
        correct=is_correct(selected=picked, correct=correct_ids),
        sure=sure,
        topic=topic_key[:120],
    )
    cards = cards_record(
        user=user,
        answers=[Answer(question_id=question.pk, correct=answer.correct, sure=sure)],
        at=answer.answered_at,
    )
    answer.card = cards[0] if cards else None
    return answer


# --- The matrix drill --------------------------------------------------------

DRILL_OWNERS = [Owner.AWS, Owner.CUSTOMER, Owner.SHARED]


def drill_cells() -> QuerySet[Responsibility]:
    return Responsibility.objects.exclude(owner=Owner.NOT_APPLICABLE).select_related(
        "service", "layer"
    )


def drill_pick(*, recent: Sequence[int] = ()) -> Responsibility | None:
    """A random matrix cell to ask about (cells marked not applicable are skipped)."""
    cells = drill_cells().order_by("?")
    return cells.exclude(pk__in=recent).first() or (cells.first() if recent else None)


def drill_stem(cell: Responsibility) -> str:
    """“On AWS Lambda, who keeps the engine, runtime … patched?”"""
    ask = cell.layer.drill_question or f"who is responsible for {cell.layer.name.lower()}?"
    return f"On {cell.service.name}, {ask}"


def drill_answer(*, user, cell: Responsibility, owner: str) -> PracticeAnswer:
    """Grade a drill answer against the matrix cell's owner and store it."""
    if owner not in DRILL_OWNERS:
        raise AnswerError("Choose AWS, Customer or Shared.")
    return PracticeAnswer.objects.create(
        user=user if user.is_authenticated else None,
        cell=cell,
        selected=[owner],
        correct=owner == cell.owner,
        topic="drill",
    )
