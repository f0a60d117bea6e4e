"""What a learner saw: a question frozen into an exam attempt when it starts.

An AttemptItem keeps its question's stem, choices (with the key and the
rationales), explanation, sources, lesson and tags as they were, so an instructor who
later edits or deletes the question changes nothing in a past review or score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from lessons.models import Layer, Service
from quizzes.models import Choice, Question


def snapshots_for(question_ids: Iterable[int]) -> dict[int, dict]:
    """Snapshots of the given questions, keyed by id, in four queries.

    Read as plain values, not model instances: an exam start snapshots 65
    questions and some 300 choices, and building objects for them was most of
    what starting an exam cost.
    """
    ids = list(question_ids)
    fields = ("ref", "stem", "kind", "choose", "explanation", "sources")
    snapshots = {
        pk: {
            **dict(zip(fields, values, strict=True)),
            "lesson": {"slug": lesson_slug, "title": lesson_title},
            "services": [],
            "layers": [],
            "choices": [],
        }
        for pk, *values, lesson_slug, lesson_title in Question.objects.filter(
            pk__in=ids
        ).values_list("pk", *fields, "lesson__slug", "lesson__title")
    }
    # Services and layers in their own display order, as the question's tags list them.
    for kind, tags, model in (
        ("services", Question.services.through.objects, Service),
        ("layers", Question.layers.through.objects, Layer),
    ):
        tag = kind[:-1]  # "service", "layer"
        ordering = [f"{tag}__{field}" for field in model._meta.ordering]
        rows = tags.filter(question_id__in=ids).order_by(*ordering, "pk")
        for qid, slug, name in rows.values_list("question_id", f"{tag}__slug", f"{tag}__name"):
            snapshots[qid][kind].append({"slug": slug, "name": name})
    choices = Choice.objects.filter(question_id__in=ids).order_by("position", "pk")
    for qid, pk, position, text, is_correct, rationale in choices.values_list(
        "question_id", "pk", "position", "text", "is_correct", "rationale"
    ):
        snapshots[qid]["choices"].append(
            {
                "id": pk,
                "position": position,
                "text": text,
                "is_correct": is_correct,
                "rationale": rationale,
            }
        )
    return snapshots


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
