from __future__ import annotations

import json
import random

import pytest
from django.core.management import CommandError, call_command

from quizzes.bank.import_export import BankImportError, bank_export, bank_import
from quizzes.exams.attempts import attempt_answer, attempt_start, attempt_submit
from quizzes.models import Choice, Question
from tests.factories import (
    BlueprintFactory,
    LayerFactory,
    QuestionFactory,
    ServiceFactory,
    build_bank,
    multiple_question,
    owner_question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    service, layer = ServiceFactory(slug="ec2"), LayerFactory(slug="guest-os")
    questions = [QuestionFactory(), owner_question(), multiple_question()]
    for question in questions:
        question.services.add(service)
        question.layers.add(layer)
    return questions


def snapshot():
    return json.dumps(bank_export(), sort_keys=True)


def test_export_then_import_reproduces_the_bank(bank, tmp_path):
    path = tmp_path / "bank.json"
    call_command("export_questions", str(path))
    before = snapshot()
    Question.objects.all().delete()
    call_command("import_questions", str(path))
    assert snapshot() == before
    assert Question.objects.count() == 3


def test_import_updates_by_ref_without_duplicating(bank, tmp_path):
    path = tmp_path / "bank.json"
    data = bank_export()
    data["questions"][0]["stem"] = "A clearer stem"
    path.write_text(json.dumps(data))
    call_command("import_questions", str(path))
    assert Question.objects.count() == 3
    assert Question.objects.get(ref=data["questions"][0]["ref"]).stem == "A clearer stem"


def _break(data, how):
    item = data["questions"][1]
    if how == "missing field":
        del item["explanation"]
    elif how == "two correct on single":
        single = data["questions"][0]
        single["choices"][1]["is_correct"] = True
        return "Question 1", "Mark exactly one choice correct (now 2)"
    elif how == "unknown service":
        item["services"] = ["mainframe"]
        return "Question 2", "unknown service “mainframe”"
    return "Question 2", "missing or wrong type: explanation"


@pytest.mark.parametrize("how", ["missing field", "two correct on single", "unknown service"])
def test_broken_file_changes_nothing_and_names_the_problem(bank, tmp_path, capsys, how):
    data = bank_export()
    data["questions"][0]["stem"] = "This edit must not land"
    where, message = _break(data, how)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    before = snapshot()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_questions", str(path))
    assert snapshot() == before
    err = capsys.readouterr().err
    assert where in err and message in err


def test_bad_json_is_reported_with_its_position(bank, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "srm-academy-questions", "version": 1, "questions": [}')
    before = snapshot()
    with pytest.raises(CommandError, match=r"not valid JSON \(line 1, column"):
        call_command("import_questions", str(path))
    assert snapshot() == before


def test_dry_run_changes_nothing(bank, tmp_path):
    data = bank_export()
    data["questions"][0]["stem"] = "Changed"
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(data))
    before = snapshot()
    call_command("import_questions", str(path), "--dry-run")
    assert snapshot() == before


def test_choices_keep_their_order_and_rationales(bank, tmp_path):
    path = tmp_path / "bank.json"
    call_command("export_questions", str(path))
    Question.objects.all().delete()
    call_command("import_questions", str(path))
    texts = list(Choice.objects.filter(question__kind="owner").values_list("text", flat=True))
    assert texts == ["AWS", "Customer", "Shared"]
    assert all(Choice.objects.values_list("rationale", flat=True))


def test_identical_reimport_changes_no_choice_id(bank):
    before = list(Choice.objects.order_by("pk").values_list("pk", "question_id", "position"))
    result = bank_import(data=bank_export())
    assert result.updated == 3
    after = list(Choice.objects.order_by("pk").values_list("pk", "question_id", "position"))
    assert after == before


def test_reimport_updates_choices_in_place_and_deletes_only_extras(bank):
    data = bank_export()
    owner = next(q for q in data["questions"] if q["kind"] == "owner")
    ids = list(Choice.objects.filter(question__ref=owner["ref"]).values_list("pk", flat=True))
    owner["choices"][0]["rationale"] = "Reworded rationale"
    single = next(q for q in data["questions"] if q["kind"] == "single")
    single_ids = list(
        Choice.objects.filter(question__ref=single["ref"]).values_list("pk", flat=True)
    )
    single["choices"] = single["choices"][:2]
    bank_import(data=data)
    owner_choices = Choice.objects.filter(question__ref=owner["ref"])
    assert list(owner_choices.values_list("pk", flat=True)) == ids
    assert owner_choices.get(position=1).rationale == "Reworded rationale"
    assert (
        list(Choice.objects.filter(question__ref=single["ref"]).values_list("pk", flat=True))
        == single_ids[:2]
    )


def test_reimport_during_a_live_attempt_still_grades_the_right_answer(user):
    build_bank(10)
    attempt = attempt_start(
        user=user, blueprint=BlueprintFactory(question_count=10), rng=random.Random(3)
    ).attempt
    items = list(attempt.items.select_related("question"))
    for item in items:
        right = [c.pk for c in item.question.choices.all() if c.is_correct]
        attempt_answer(attempt=attempt, item=item, selected=right, flagged=False)
    bank_import(data=bank_export())
    attempt_submit(attempt=attempt)
    assert attempt.score == 10
    assert attempt.items.filter(correct=True).count() == 10


# Unknown keys ------------------------------------------------------------


def misspelt(data: dict) -> dict:
    """The bank with keys the format doesn't name: the file, a question, a choice, a source."""
    data["comment"] = "exported for review"
    single = data["questions"][0]
    single["choices"][1]["correct"] = single["choices"][1].pop("is_correct")
    single["sources"][0]["note"] = "see section 2"
    data["questions"][2]["tag"] = ["ec2"]
    return data


def test_unknown_keys_are_problems_with_their_position(bank):
    data = misspelt(bank_export())
    single, multiple = data["questions"][0]["ref"], data["questions"][2]["ref"]
    before = snapshot()

    with pytest.raises(BankImportError) as caught:
        bank_import(data=data)

    problems = caught.value.problems
    assert problems[0].startswith("The file: unknown key “comment”: the file takes format,")
    assert problems[1].startswith(f"Question 1 ({single}), source 1: unknown key “note”")
    assert problems[2] == (
        f"Question 1 ({single}), choice 2: unknown key “correct”: a choice takes text, "
        "is_correct, rationale; nothing else is read. Did you mean “is_correct”?"
    )
    assert problems[3].startswith(f"Question 3 ({multiple}): unknown key “tag”: a question takes")
    assert len(problems) == 4
    assert snapshot() == before


def test_the_command_refuses_unknown_keys_too(bank, tmp_path, capsys):
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(misspelt(bank_export())))
    before = snapshot()
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_questions", str(path))
    assert "choice 2: unknown key “correct”" in capsys.readouterr().err
    assert snapshot() == before


# What an import changes --------------------------------------------------


def test_import_reports_each_changed_field_of_a_known_question(bank):
    data = bank_export()
    single = next(item for item in data["questions"] if item["kind"] == "single")
    old_stem = single["stem"]
    single["stem"] = "Who patches the guest OS?"
    single["choices"][0]["is_correct"], single["choices"][1]["is_correct"] = False, True
    single["choices"][2]["text"] = "Both of them"
    single["choices"].append({"text": "Nobody", "is_correct": False, "rationale": "No."})
    single["services"] = []
    single["status"] = "draft"

    result = bank_import(data=data)

    changes = {question.ref: question.fields for question in result.changes}
    assert list(changes) == [item["ref"] for item in data["questions"]]
    assert [(change.field, change.before, change.after) for change in changes[single["ref"]]] == [
        ("stem", old_stem, "Who patches the guest OS?"),
        ("answer key", "choice 1 (The customer)", "choice 2 (AWS)"),
        ("choice 3", "Both", "Both of them"),
        ("choice 5", "", "Nobody"),
        ("choice 5 rationale", "", "No."),
        ("services", "ec2", ""),
        ("status", "published", "draft"),
    ]
    assert all(fields == () for ref, fields in changes.items() if ref != single["ref"])


# History -----------------------------------------------------------------


def test_import_history_names_the_file_and_the_user(bank, user):
    data = bank_export()
    data["questions"][0]["choices"][0]["rationale"] = "A clearer rationale"

    bank_import(data=data, source="bank-v2.json", user=user)

    reason = f"Imported from bank-v2.json by {user.username}"
    for question in Question.objects.all():
        latest = question.history.first()
        assert (latest.history_change_reason, latest.history_user) == (reason, user)
    choice = Choice.history.filter(rationale="A clearer rationale").get()
    assert (choice.history_change_reason, choice.history_user) == (reason, user)


def test_the_command_names_its_file_in_the_history(bank, tmp_path):
    path = tmp_path / "bank-v3.json"
    path.write_text(json.dumps(bank_export()))
    call_command("import_questions", str(path))
    reason = Question.history.first().history_change_reason
    assert reason == "Imported from bank-v3.json (import_questions command)"


def test_a_long_file_name_still_fits_the_history_reason(bank, user):
    bank_import(data=bank_export(), source="x" * 300 + ".json", user=user)
    reason = Question.history.first().history_change_reason
    assert len(reason) == 100 and reason.endswith("…")


def test_import_without_a_file_name_still_gives_a_reason(bank):
    bank_import(data=bank_export())
    assert Question.history.first().history_change_reason == "Imported from a question bank file"
