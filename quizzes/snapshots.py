"""What a learner saw: a question frozen into an exam attempt when it starts.

An AttemptItem keeps its question's stem, choices (with the key and the
rationales), explanation, sources, lesson and tags as they were, so an instructor who
later edits or deletes the question changes nothing in a past review or score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse

from lessons.models import Layer, Service
from quizzes.models import Choice, Question


def question_snapshot(question: Question) -> dict:
    """The question as plain data (its choices, services and layers prefetched)."""
    return {
        "ref": question.ref,
        "stem": question.stem,
        "kind": question.kind,
        "choose": question.choose,
        "explanation": question.explanation,
        "sources": question.sources,
        "lesson": {"slug": question.lesson.slug, "title": question.lesson.title},
        "services": [{"slug": s.slug, "name": s.name} for s in question.services.all()],
        "layers": [{"slug": layer.slug, "name": layer.name} for layer in question.layers.all()],
        "choices": [
            {
                "id": choice.pk,
                "position": choice.position,
                "text": choice.text,
                "is_correct": choice.is_correct,
                "rationale": choice.rationale,
            }
            for choice in question.choices.all()
        ],
    }


def snapshots_for(question_ids: Iterable[int]) -> dict[int, dict]:
    """Snapshots of the given questions, keyed by id, in four queries."""
    questions = (
        Question.objects.filter(pk__in=list(question_ids))
        .select_related("lesson")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")),
            Prefetch("services", queryset=Service.objects.only("slug", "name")),
            Prefetch("layers", queryset=Layer.objects.only("slug", "name")),
        )
    )
    return {question.pk: question_snapshot(question) for question in questions}


def snapshot_choice_ids(snapshot: dict) -> list[int]:
    return [choice["id"] for choice in snapshot.get("choices", [])]


def snapshot_correct_ids(snapshot: dict) -> set[int]:
    return {choice["id"] for choice in snapshot.get("choices", []) if choice["is_correct"]}


def snapshot_choices(snapshot: dict, order: Iterable[int]) -> list[dict]:
    """The snapshot's choices in display order (`choice_order`); any it doesn't name go last."""
    rank = {pk: index for index, pk in enumerate(order)}
    return sorted(
        snapshot.get("choices", []),
        key=lambda choice: (rank.get(choice["id"], len(rank)), choice["position"]),
    )


def snapshot_choices_to_answer(snapshot: dict, order: Iterable[int]) -> list[dict]:
    """What the exam page may show of each choice: its id and text, never the key."""
    return [
        {"id": choice["id"], "text": choice["text"]}
        for choice in snapshot_choices(snapshot, order)
    ]


@dataclass(frozen=True)
class LessonLink:
    """A lesson as a snapshot names it: enough for a link, even if it has since changed."""

    slug: str
    title: str

    def get_absolute_url(self) -> str:
        return reverse("lessons:lesson_detail", kwargs={"slug": self.slug})


def snapshot_lesson(snapshot: dict) -> LessonLink | None:
    lesson = snapshot.get("lesson") or {}
    return LessonLink(slug=lesson["slug"], title=lesson["title"]) if lesson.get("slug") else None
