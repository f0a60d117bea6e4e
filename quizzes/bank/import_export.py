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
key the format does not name (``"correct"`` for ``"is_correct"``, say) is such a
problem: ignoring it would drop what the author meant. A published question must
name at least one AWS page in "sources". An import that moves a known question's
key records a correction (its "correction" line, or a general one), which tells
the learners who had answered it. Every question and choice it writes gets a
history entry whose reason names the file and who imported it.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lessons.models import Layer, Lesson, Service
from lessons.sources import sources_to_lines
from quizzes.bank.corrections import correction_record, key_positions
from quizzes.bank.validation import ChoiceDraft, question_problems, source_problems
from quizzes.models import Choice, Question

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
OPTIONAL = ("services", "layers", "status", "sources", "correction")
TOP_KEYS = ("format", "version", "questions")
QUESTION_KEYS = (*REQUIRED, *OPTIONAL)
CHOICE_KEYS = ("text", "is_correct", "rationale")
SOURCE_KEYS = ("url", "title")


class BankImportError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the import file")
        self.problems = problems


@dataclass(frozen=True)
class FieldChange:
    """One field of a known question as it is now and as the file would leave it."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class QuestionChanges:
    ref: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    # Which refs, in file order: the admin's preview lists them.
    created_refs: tuple[str, ...] = ()
    updated_refs: tuple[str, ...] = ()
    # One entry per updated question, in file order (empty `fields`: nothing changes).
    changes: tuple[QuestionChanges, ...] = ()


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
    problems: list[str] = [
        f"The file: {problem}" for problem in _unknown_keys(data, TOP_KEYS, "the file")
    ]
    lessons = set(Lesson.objects.values_list("slug", flat=True))
    services = set(Service.objects.values_list("slug", flat=True))
    layers = set(Layer.objects.values_list("slug", flat=True))
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        where = f"Question {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object.")
            continue
        if isinstance(item.get("ref"), str):
            where += f" ({item['ref']})"
        problems += _item_unknown_keys(item, where)
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
        problems += [
            f"{where}: {problem}"
            for problem in question_problems(
                kind=item["kind"], choose=item["choose"], choices=_drafts(choices)
            )
        ]
    return problems


def _item_unknown_keys(item: dict, where: str) -> list[str]:
    """Unknown keys in a question, its sources and its choices, each with its position."""
    problems = [f"{where}: {p}" for p in _unknown_keys(item, QUESTION_KEYS, "a question")]
    nested = (("sources", SOURCE_KEYS, "source"), ("choices", CHOICE_KEYS, "choice"))
    for key, known, what in nested:
        rows = item.get(key)
        for n, row in enumerate(rows if isinstance(rows, list) else [], start=1):
            if isinstance(row, dict):
                problems += [
                    f"{where}, {what} {n}: {p}" for p in _unknown_keys(row, known, f"a {what}")
                ]
    return problems


def _unknown_keys(mapping: dict, known: tuple[str, ...], what: str) -> list[str]:
    """One problem per key the format does not name, with the likely intended one."""
    problems = []
    for key in mapping:
        if key in known:
            continue
        close = get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f" Did you mean “{close[0]}”?" if close else ""
        problems.append(
            f"unknown key “{key}”: {what} takes {', '.join(known)}; nothing else is read.{hint}"
        )
    return problems


REASON_LENGTH = 100  # simple_history's history_change_reason column


def import_reason(*, source: str = "", user=None) -> str:
    """The history entry's reason for an import: which file, and who."""
    reason = f"Imported from {source}" if source else "Imported from a question bank file"
    reason = f"{reason} by {user.get_username()}" if user is not None else reason
    # The history table keeps 100 characters of a reason; a long file name is cut.
    return reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"


def history_sign_latest(history: QuerySet, *, reason: str, user) -> None:
    """Name why and by whom the newest record in `history` was written.

    simple_history records a save as it happens; the reason and the user are put
    on that record through its history manager afterwards, its public API.
    """
    record = history.first()  # simple_history orders a history newest first
    if record is None:  # history switched off (SIMPLE_HISTORY_ENABLED = False)
        return
    record.history_change_reason, record.history_user = reason, user
    record.save(update_fields=["history_change_reason", "history_user"])


@transaction.atomic
def bank_import(*, data: object, source: str = "", user=None) -> ImportResult:
    """Create or update questions by ref; all of them, or none (BankImportError).

    `source` (the file's name) and `user` go into every history entry it writes.
    """
    problems = _problems(data)
    if problems:
        raise BankImportError(problems)
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.all()}
    services = {service.slug: service for service in Service.objects.all()}
    layers = {layer.slug: layer for layer in Layer.objects.all()}
    existing = {
        q.ref: q
        for q in Question.objects.filter(ref__in=[i["ref"] for i in data["questions"]])
        .select_related("lesson")
        .prefetch_related(
            "choices",
            Prefetch("services", queryset=Service.objects.only("slug")),
            Prefetch("layers", queryset=Layer.objects.only("slug")),
        )
    }
    keys_before = key_positions(Question.objects.filter(ref__in=existing))
    reason = import_reason(source=source, user=user)
    created_refs: list[str] = []
    updated_refs: list[str] = []
    changes: list[QuestionChanges] = []
    for item in data["questions"]:
        question = existing.get(item["ref"]) or Question(ref=item["ref"])
        if question.pk:
            updated_refs.append(item["ref"])
            changes.append(QuestionChanges(item["ref"], question_changes(question, item)))
        else:
            created_refs.append(item["ref"])
        for field in ("stem", "kind", "choose", "explanation", "difficulty"):
            setattr(question, field, item[field])
        question.lesson = lessons[item["lesson"]]
        question.status = item.get("status", Question.Status.DRAFT)
        question.sources = item.get("sources", [])
        question.save()
        history_sign_latest(question.history.all(), reason=reason, user=user)
        question.services.set([services[slug] for slug in item.get("services", [])])
        question.layers.set([layers[slug] for slug in item.get("layers", [])])
        _choices_replace(
            question,
            item["choices"],
            is_new=question.ref not in existing,
            reason=reason,
            user=user,
        )
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
        changes=tuple(changes),
    )


def question_changes(question: Question, item: dict) -> tuple[FieldChange, ...]:
    """What importing `item` would change in `question`, field by field, as text.

    `question` comes with its lesson, services, layers and choices loaded.
    """
    choices = sorted(question.choices.all(), key=lambda choice: choice.position)
    new_choices = item["choices"]
    pairs = [
        ("stem", question.stem, item["stem"]),
        ("kind", question.kind, item["kind"]),
        ("choose", str(question.choose), str(item["choose"])),
    ]
    old_key, new_key = _key(choices), _key(_drafts(new_choices))
    if [number for number, _ in old_key] != [number for number, _ in new_key]:
        pairs.append(("answer key", _key_text(old_key), _key_text(new_key)))
    for number in range(1, max(len(choices), len(new_choices)) + 1):
        old = choices[number - 1] if number <= len(choices) else None
        new = new_choices[number - 1] if number <= len(new_choices) else None
        pairs += [
            (f"choice {number}", old.text if old else "", new["text"] if new else ""),
            (
                f"choice {number} rationale",
                old.rationale if old else "",
                new.get("rationale", "") if new else "",
            ),
        ]
    pairs += [
        ("services", _slugs(question.services.all()), ", ".join(sorted(item.get("services", [])))),
        ("layers", _slugs(question.layers.all()), ", ".join(sorted(item.get("layers", [])))),
        ("status", question.status, item.get("status", Question.Status.DRAFT)),
        ("explanation", question.explanation, item["explanation"]),
        ("difficulty", str(question.difficulty), str(item["difficulty"])),
        ("lesson", question.lesson.slug, item["lesson"]),
        ("sources", sources_to_lines(question.sources), sources_to_lines(item.get("sources", []))),
    ]
    return tuple(FieldChange(name, old, new) for name, old, new in pairs if old != new)


def _drafts(choices: list[dict]) -> list[ChoiceDraft]:
    return [ChoiceDraft(c["text"], bool(c.get("is_correct"))) for c in choices]


def _key(choices: list) -> list[tuple[int, str]]:
    """The correct choices as (number in order, text)."""
    return [(n, choice.text) for n, choice in enumerate(choices, start=1) if choice.is_correct]


def _key_text(key: list[tuple[int, str]]) -> str:
    return "; ".join(f"choice {number} ({text})" for number, text in key)


def _slugs(rows) -> str:
    return ", ".join(sorted(row.slug for row in rows))


def _choices_replace(
    question: Question, choices: list[dict], *, is_new: bool, reason: str, user
) -> None:
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
    for choice in current.values():
        # One by one, so that each deletion's history entry carries the reason.
        pk = choice.pk
        choice.delete()
        history_sign_latest(Choice.history.filter(id=pk), reason=reason, user=user)
    # With history, like an edit in the admin: a re-import that moves the key shows in it.
    bulk_update_with_history(
        changed,
        Choice,
        ["text", "is_correct", "rationale"],
        default_user=user,
        default_change_reason=reason,
    )
    bulk_create_with_history(added, Choice, default_user=user, default_change_reason=reason)
