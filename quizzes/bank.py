"""Moving a question bank in and out as JSON.

Format (version 1)::

    {"format": "srm-academy-questions", "version": 1, "questions": [
      {"ref": "k-001", "stem": "…", "kind": "single|multiple|owner", "choose": 1,
       "explanation": "…", "difficulty": 1, "lesson": "ec2",
       "services": ["ec2"], "layers": ["guest-os"], "status": "published|draft",
       "sources": [{"url": "https://docs.aws.amazon.com/…", "title": "…"}],
       "correction": "optional: one line for learners when this import fixes a mistake",
       "choices": [{"text": "…", "is_correct": true, "rationale": "…"}, …]}, …]}

An import is checked as a whole first: if any question has a problem, nothing is
written and every problem is reported with the question's position and ref. A
published question must name at least one AWS page in "sources". An import that
moves a known question's key records a correction (its "correction" line, or a
general one), which tells the learners who had answered it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lessons.models import Layer, Lesson, Service
from quizzes.corrections import correction_record, key_positions
from quizzes.models import Choice, Question
from quizzes.validation import ChoiceDraft, question_problems, source_problems

UNEXPLAINED_KEY_CHANGE = (
    "The answer key was corrected to match AWS documentation; see the explanation and its source."
)

FORMAT = "srm-academy-questions"
VERSION = 1
REQUIRED = {
    "ref": str,
    "stem": str,
    "kind": str,
    "choose": int,
    "explanation": str,
    "difficulty": int,
    "lesson": str,
    "choices": list,
}


class BankImportError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the import file")
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    # Which refs, in file order: the admin's preview lists them.
    created_refs: tuple[str, ...] = ()
    updated_refs: tuple[str, ...] = ()


def bank_export(questions=None) -> dict:
    """The bank (or the given questions) in the documented format."""
    questions = (questions if questions is not None else Question.objects.all()).order_by("ref")
    questions = questions.select_related("lesson").prefetch_related(
        Prefetch("services", queryset=Service.objects.only("slug")),
        Prefetch("layers", queryset=Layer.objects.only("slug")),
        Prefetch("choices", queryset=Choice.objects.order_by("position")),
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "questions": [
            {
                "ref": q.ref,
                "stem": q.stem,
                "kind": q.kind,
                "choose": q.choose,
                "explanation": q.explanation,
                "sources": q.sources,
                "difficulty": q.difficulty,
                "lesson": q.lesson.slug,
                "services": [s.slug for s in q.services.all()],
                "layers": [layer.slug for layer in q.layers.all()],
                "status": q.status,
                "choices": [
                    {"text": c.text, "is_correct": c.is_correct, "rationale": c.rationale}
                    for c in q.choices.all()
                ],
            }
            for q in questions
        ],
    }


def _problems(data: object) -> list[str]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [f"The file is not a question bank: expected an object with format “{FORMAT}”."]
    if data.get("version") != VERSION:
        return [f"Unsupported version {data.get('version')!r}: this site reads version {VERSION}."]
    items = data.get("questions")
    if not isinstance(items, list):
        return ["“questions” must be a list."]
    lessons = set(Lesson.objects.values_list("slug", flat=True))
    services = set(Service.objects.values_list("slug", flat=True))
    layers = set(Layer.objects.values_list("slug", flat=True))
    problems: list[str] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        where = f"Question {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object.")
            continue
        if isinstance(item.get("ref"), str):
            where += f" ({item['ref']})"
        missing = [key for key, kind in REQUIRED.items() if not isinstance(item.get(key), kind)]
        if missing:
            problems.append(f"{where}: missing or wrong type: {', '.join(missing)}.")
            continue
        if item["ref"] in seen:
            problems.append(f"{where}: the ref appears twice in this file.")
        seen.add(item["ref"])
        if item["lesson"] not in lessons:
            problems.append(f"{where}: unknown lesson “{item['lesson']}”.")
        for slug in item.get("services", []):
            if slug not in services:
                problems.append(f"{where}: unknown service “{slug}”.")
        for slug in item.get("layers", []):
            if slug not in layers:
                problems.append(f"{where}: unknown layer “{slug}”.")
        if item["difficulty"] not in (1, 2, 3):
            problems.append(f"{where}: difficulty must be 1, 2 or 3.")
        if item.get("status", "draft") not in Question.Status.values:
            problems.append(f"{where}: status must be draft or published.")
        problems += [
            f"{where}: {problem}"
            for problem in source_problems(
                status=item.get("status", "draft"), sources=item.get("sources", [])
            )
        ]
        if not isinstance(item.get("correction", ""), str):
            problems.append(f"{where}: “correction” must be one line of text.")
        choices = item["choices"]
        if not all(isinstance(c, dict) and isinstance(c.get("text"), str) for c in choices):
            problems.append(f"{where}: every choice needs a text.")
            continue
        drafts = [ChoiceDraft(c["text"], bool(c.get("is_correct"))) for c in choices]
        problems += [
            f"{where}: {problem}"
            for problem in question_problems(
                kind=item["kind"], choose=item["choose"], choices=drafts
            )
        ]
    return problems


@transaction.atomic
def bank_import(*, data: object) -> ImportResult:
    """Create or update questions by ref; all of them, or none (BankImportError)."""
    problems = _problems(data)
    if problems:
        raise BankImportError(problems)
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.all()}
    services = {service.slug: service for service in Service.objects.all()}
    layers = {layer.slug: layer for layer in Layer.objects.all()}
    existing = {
        q.ref: q
        for q in Question.objects.filter(
            ref__in=[i["ref"] for i in data["questions"]]
        ).prefetch_related("choices")
    }
    keys_before = key_positions(Question.objects.filter(ref__in=existing))
    created_refs: list[str] = []
    updated_refs: list[str] = []
    for item in data["questions"]:
        question = existing.get(item["ref"]) or Question(ref=item["ref"])
        (updated_refs if question.pk else created_refs).append(item["ref"])
        for field in ("stem", "kind", "choose", "explanation", "difficulty"):
            setattr(question, field, item[field])
        question.lesson = lessons[item["lesson"]]
        question.status = item.get("status", Question.Status.DRAFT)
        question.sources = item.get("sources", [])
        question.save()
        question.services.set([services[slug] for slug in item.get("services", [])])
        question.layers.set([layers[slug] for slug in item.get("layers", [])])
        _choices_replace(question, item["choices"], is_new=question.ref not in existing)
    keys_after = key_positions(Question.objects.filter(ref__in=keys_before))
    for item in data["questions"]:
        ref, note = item["ref"], item.get("correction", "").strip()
        moved = ref in keys_before and keys_after[ref] != keys_before[ref]
        if moved or (note and ref in existing):
            correction_record(
                summary=note or UNEXPLAINED_KEY_CHANGE, question=existing[ref], key_changed=moved
            )
    return ImportResult(
        created=len(created_refs),
        updated=len(updated_refs),
        created_refs=tuple(created_refs),
        updated_refs=tuple(updated_refs),
    )


def _choices_replace(question: Question, choices: list[dict], *, is_new: bool) -> None:
    """Write the file's choices by position, updating rows in place.

    Live attempts keep choice ids in `AttemptItem.choice_order` and `selected`,
    so a re-import must never swap a choice's id: the choice at each position
    keeps its row, and only positions beyond the file's list are deleted.
    """
    current = {} if is_new else {choice.position: choice for choice in question.choices.all()}
    changed, added = [], []
    for position, data in enumerate(choices, start=1):
        values = {
            "text": data["text"],
            "is_correct": bool(data.get("is_correct")),
            "rationale": data.get("rationale", ""),
        }
        choice = current.pop(position, None)
        if choice is None:
            added.append(Choice(question=question, position=position, **values))
        elif any(getattr(choice, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(choice, name, value)
            changed.append(choice)
    if current:
        Choice.objects.filter(pk__in=[choice.pk for choice in current.values()]).delete()
    # With history, like an edit in the admin: a re-import that moves the key shows in it.
    bulk_update_with_history(changed, Choice, ["text", "is_correct", "rationale"])
    bulk_create_with_history(added, Choice)
