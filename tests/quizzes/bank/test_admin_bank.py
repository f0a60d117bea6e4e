"""Importing and exporting the question bank from the admin (JSON and CSV)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from quizzes.bank.admin_import_export import PAYLOAD_SALT
from quizzes.bank.csv_format import bank_from_csv, bank_to_csv
from quizzes.bank.import_export import BankImportError, bank_export
from quizzes.models import Choice, PracticeAnswer, Question
from tests.factories import (
    LayerFactory,
    LessonFactory,
    QuestionFactory,
    ServiceFactory,
    UserFactory,
    multiple_question,
    owner_question,
)

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:quizzes_question_import")
EXPORT_JSON = reverse("admin:quizzes_question_export_json")
EXPORT_CSV = reverse("admin:quizzes_question_export_csv")
CHANGELIST = reverse("admin:quizzes_question_changelist")


@pytest.fixture
def bank():
    """Three questions of each kind, tagged, one with a stem a spreadsheet must quote."""
    service, other = ServiceFactory(slug="ec2"), ServiceFactory(slug="s3")
    layer = LayerFactory(slug="guest-os")
    questions = [
        QuestionFactory(ref="q-single", stem='Who patches it?\n\nSay "who", then, why.'),
        owner_question(ref="q-owner", status=Question.Status.DRAFT),
        multiple_question(ref="q-multiple"),
    ]
    questions[0].services.add(service, other)
    questions[0].layers.add(layer)
    questions[2].services.add(other)
    return questions


def rows() -> tuple[int, int]:
    return Question.objects.count(), Choice.objects.count()


def snapshot() -> str:
    return json.dumps(bank_export(), sort_keys=True)


def upload(content: str | bytes, name: str = "bank.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def preview(client, content, name="bank.csv", fmt="auto"):
    return client.post(IMPORT, {"file": upload(content, name), "format": fmt, "preview": "1"})


def edited_bank() -> dict:
    """The bank with one stem changed and one new question added."""
    data = bank_export()
    data["questions"][0]["stem"] = "A reworded stem"
    new = json.loads(json.dumps(data["questions"][0]))
    new["ref"] = "q-new"
    data["questions"].append(new)
    return data


# CSV <-> dict ------------------------------------------------------------


def test_csv_round_trip_keeps_every_field(bank):
    data = bank_export()
    text = bank_to_csv(data)
    assert bank_from_csv(text) == data
    assert bank_to_csv(bank_from_csv(text)) == text
    assert bank_from_csv(text.encode("utf-8-sig")) == data


def test_csv_round_trip_of_the_shipped_bank(shipped_content):
    data = bank_export()
    assert data["questions"]
    assert bank_from_csv(bank_to_csv(data)) == data


def test_csv_has_one_row_per_question_and_numbered_choice_columns(bank):
    header = bank_to_csv(bank_export()).splitlines()[0].split(",")
    assert header[:12] == [
        "ref",
        "kind",
        "choose",
        "difficulty",
        "status",
        "lesson",
        "services",
        "layers",
        "stem",
        "explanation",
        "sources",
        "correction",
    ]
    # The multiple-answer question has five choices, the widest.
    assert header[12:15] == ["choice_1_text", "choice_1_correct", "choice_1_rationale"]
    assert header[-1] == "choice_5_rationale"


def test_csv_reads_pipe_separated_slugs_and_ignores_blank_choices_and_rows():
    text = (
        "ref,kind,choose,difficulty,lesson,services,layers,stem,explanation,"
        "choice_1_text,choice_1_correct,choice_2_text,choice_2_correct,"
        "choice_3_text,choice_3_correct\n"
        "x-1,single,1,2,ec2,ec2|s3, guest-os ,Stem,Why,AWS,No,Customer,YES,,\n"
        ",,,,,,,,,,,,,,\n"
    )
    (item,) = bank_from_csv(text)["questions"]
    assert item["services"] == ["ec2", "s3"] and item["layers"] == ["guest-os"]
    assert [(c["text"], c["is_correct"]) for c in item["choices"]] == [
        ("AWS", False),
        ("Customer", True),
    ]
    assert "status" not in item  # the importer's default (draft) applies


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ["The CSV file is empty"]),
        (b"ref,kind\xff\n", ["not UTF-8 text"]),
        (
            b"ref,kind,choose,difficulty,lesson,stem\nx,single,1,1,ec2,S\n",
            ["Row 1: the required column \u201cexplanation\u201d is missing."],
        ),
        (
            b"ref,kind,choose,difficulty,lesson,stem,explanation,choice_1_text,choice_1_correct\n"
            b"x,single,1,1,ec2,S,E,AWS,yes\n"
            b"y,single,one,1,ec2,S,E,AWS,true\n",
            [
                "Row 3 (y): \u201cchoose\u201d must be a whole number, not \u201cone\u201d.",
                "Row 3 (y): choice_1_correct must be yes or no, not \u201ctrue\u201d.",
            ],
        ),
        (b"ref,kind,choose,difficulty,lesson,stem,explanation\n", ["no question rows"]),
    ],
    ids=["empty", "undecodable", "missing column", "bad flag and number", "header only"],
)
def test_bad_csv_names_each_problem(content, expected):
    with pytest.raises(BankImportError) as caught:
        bank_from_csv(content)
    problems = caught.value.problems
    assert len(problems) == len(expected)
    for problem, words in zip(problems, expected, strict=True):
        assert words in problem


# Export ------------------------------------------------------------------


def test_export_json_downloads_the_bank(admin_client, bank):
    response = admin_client.get(EXPORT_JSON)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="questions-')
    assert response["Content-Disposition"].endswith('.json"')
    assert json.loads(response.content) == bank_export()


def test_export_csv_downloads_the_bank(admin_client, bank):
    response = admin_client.get(EXPORT_CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    assert response.content.startswith("\ufeff".encode())
    assert bank_from_csv(response.content) == bank_export()


@pytest.mark.parametrize(
    ("action", "parse"),
    [("export_selected_json", json.loads), ("export_selected_csv", bank_from_csv)],
)
def test_export_action_downloads_only_the_selected_questions(admin_client, bank, action, parse):
    chosen = [bank[0].pk, bank[2].pk]
    response = admin_client.post(
        CHANGELIST, {"action": action, "_selected_action": chosen, "index": "0"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    refs = [item["ref"] for item in parse(response.content)["questions"]]
    assert refs == ["q-multiple", "q-single"]


def test_changelist_links_to_import_and_exports(admin_client, bank):
    page = admin_client.get(CHANGELIST).content.decode()
    for url in (IMPORT, EXPORT_JSON, EXPORT_CSV):
        assert f'href="{url}"' in page
    assert "Export selected as CSV" in page


# Import ------------------------------------------------------------------


def test_import_page_looks_like_the_admin(admin_client):
    response = admin_client.get(IMPORT)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page
    assert response.context["site_header"]  # from admin_site.each_context


@pytest.mark.parametrize(
    ("name", "render"), [("bank.json", json.dumps), ("bank.csv", bank_to_csv)]
)
def test_preview_shows_counts_and_writes_nothing(admin_client, bank, name, render):
    before, stems = rows(), snapshot()
    response = preview(admin_client, render(edited_bank()), name)
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated) == (1, 3)
    assert result.created_refs == ("q-new",)
    page = response.content.decode()
    assert "q-new" in page and "Confirm import" in page
    assert rows() == before and snapshot() == stems
    assert not Question.objects.filter(stem="A reworded stem").exists()


@pytest.mark.parametrize(
    ("name", "render"), [("bank.json", json.dumps), ("bank.csv", bank_to_csv)]
)
def test_confirm_imports_what_was_previewed(admin_client, bank, name, render):
    payload = preview(admin_client, render(edited_bank()), name).context["payload"]
    response = admin_client.post(IMPORT, {"payload": payload, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == CHANGELIST
    assert Question.objects.count() == 4
    assert Question.objects.get(ref="q-multiple").stem == "A reworded stem"
    assert Question.objects.get(ref="q-new").choices.count() == 5
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == [f"Imported 4 question(s) from {name}: 1 new, 3 updated."]


def test_format_can_be_chosen_when_the_name_says_nothing(admin_client, bank):
    response = preview(admin_client, bank_to_csv(edited_bank()), "bank.txt", fmt="csv")
    assert response.context["result"].created == 1


def bad_csv() -> str:
    """The edited bank, with its single-answer question left without a correct choice."""
    data = edited_bank()
    single = next(q for q in data["questions"] if q["ref"] == "q-single")
    single["choices"][0]["is_correct"] = False
    data["questions"][-1]["lesson"] = "no-such-lesson"
    return bank_to_csv(data)


def assert_bad_csv_problems(response) -> None:
    assert response.status_code == 200
    problems = response.context["problems"]
    assert problems == [
        "Question 3 (q-single): Mark exactly one choice correct (now 0).",
        "Question 4 (q-new): unknown lesson \u201cno-such-lesson\u201d.",
    ]
    page = response.content.decode()
    assert "Nothing was imported" in page and "no-such-lesson" in page


def test_preview_of_a_file_with_bad_rows_lists_the_problems(admin_client, bank):
    before, stems = rows(), snapshot()
    assert_bad_csv_problems(preview(admin_client, bad_csv()))
    assert rows() == before and snapshot() == stems


def test_confirm_of_a_file_with_bad_rows_writes_nothing(admin_client, bank):
    """The file is checked again on confirm: the bank may have changed since the preview."""
    before, stems = rows(), snapshot()
    payload = signing.dumps(
        {"fmt": "csv", "name": "bank.csv", "text": bad_csv()}, salt=PAYLOAD_SALT, compress=True
    )
    assert_bad_csv_problems(admin_client.post(IMPORT, {"payload": payload, "confirm": "1"}))
    assert rows() == before and snapshot() == stems


def test_confirm_after_the_bank_changed_under_the_preview_writes_nothing(admin_client, bank):
    data = edited_bank()
    data["questions"][-1]["lesson"] = LessonFactory(slug="doomed").slug
    payload = preview(admin_client, json.dumps(data), "bank.json").context["payload"]
    Question.objects.filter(lesson__slug="doomed").delete()
    from lessons.models import Lesson

    Lesson.objects.filter(slug="doomed").delete()
    before, stems = rows(), snapshot()
    response = admin_client.post(IMPORT, {"payload": payload, "confirm": "1"})
    assert response.context["problems"] == [
        "Question 4 (q-new): unknown lesson \u201cdoomed\u201d."
    ]
    assert rows() == before and snapshot() == stems


def test_tampered_payload_is_refused(admin_client, bank):
    payload = preview(admin_client, json.dumps(edited_bank()), "bank.json").context["payload"]
    value, signature = payload.rsplit(":", 1)
    forged = signing.dumps(
        {"fmt": "json", "name": "bank.json", "text": json.dumps(edited_bank())}, compress=True
    )  # signed without the import's salt
    before, stems = rows(), snapshot()
    for bad in (value[:-2] + "xx:" + signature, forged, "garbage"):
        response = admin_client.post(IMPORT, {"payload": bad, "confirm": "1"}, follow=True)
        assert response.redirect_chain == [(IMPORT, 302)]
        (message,) = response.context["messages"]
        assert "nothing was imported" in str(message)
    assert rows() == before and snapshot() == stems


def test_bad_json_is_reported(admin_client, bank):
    response = preview(admin_client, '{"questions": [}', "bank.json")
    (problem,) = response.context["problems"]
    assert problem.startswith("The file is not valid JSON (line 1, column")


def test_undecodable_csv_is_reported_and_writes_nothing(admin_client, bank):
    before = rows()
    response = preview(admin_client, b"ref,kind\n\xff\xfe,x\n")
    (problem,) = response.context["problems"]
    assert "not UTF-8" in problem
    assert rows() == before


def test_files_over_two_megabytes_are_refused(admin_client, bank):
    before = rows()
    response = preview(admin_client, b" " * (2 * 1024 * 1024 + 1), "bank.json")
    assert response.status_code == 200
    assert "the limit is 2 MB" in response.content.decode()
    assert "result" not in response.context
    assert rows() == before


def test_command_and_admin_reject_a_bad_file_with_the_same_problems(
    admin_client, bank, tmp_path, capsys
):
    data = edited_bank()
    data["questions"][0]["choices"][0]["is_correct"] = False
    data["questions"][1]["services"] = ["mainframe"]
    data["questions"][-1]["lesson"] = "no-such-lesson"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    before, stems = rows(), snapshot()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_questions", str(path))
    from_command = [line.strip() for line in capsys.readouterr().err.splitlines() if line.strip()]
    from_admin = preview(admin_client, path.read_bytes(), "bad.json").context["problems"]
    from_csv = preview(admin_client, bank_to_csv(data), "bad.csv").context["problems"]
    assert len(from_admin) == 4
    assert from_command == from_admin == from_csv
    assert rows() == before and snapshot() == stems


# Permissions -------------------------------------------------------------


def staff_client(client, *codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", [IMPORT, EXPORT_JSON, EXPORT_CSV])
def test_staff_without_permissions_get_403(client, bank, url):
    assert staff_client(client).get(url).status_code == 403


def test_view_permission_exports_but_cannot_import(client, bank):
    client = staff_client(client, "view_question")
    assert client.get(EXPORT_JSON).status_code == 200
    assert client.get(EXPORT_CSV).status_code == 200
    assert client.get(IMPORT).status_code == 403
    before, stems = rows(), snapshot()
    payload = signing.dumps(
        {"fmt": "json", "name": "x.json", "text": json.dumps(edited_bank())},
        salt=PAYLOAD_SALT,
        compress=True,
    )
    assert client.post(IMPORT, {"payload": payload}).status_code == 403
    assert rows() == before and snapshot() == stems
    page = client.get(CHANGELIST).content.decode()
    assert f'href="{IMPORT}"' not in page and f'href="{EXPORT_CSV}"' in page


def test_import_needs_both_add_and_change(client, bank):
    assert staff_client(client, "view_question", "change_question").get(IMPORT).status_code == 403
    client.logout()
    client = staff_client(client, "view_question", "add_question", "change_question")
    assert client.get(IMPORT).status_code == 200


# What the preview shows --------------------------------------------------


def test_preview_shows_each_field_an_update_changes(admin_client, bank):
    data = edited_bank()
    multiple = data["questions"][0]  # q-multiple, its stem reworded by edited_bank
    multiple["choices"][4]["text"] = "A fifth, clearer choice"
    owner = next(item for item in data["questions"] if item["ref"] == "q-owner")
    owner["status"] = "published"
    owner["layers"] = ["guest-os"]

    response = preview(admin_client, json.dumps(data), "bank.json")

    changes = {question.ref: question for question in response.context["changed"]}
    assert list(changes) == ["q-multiple", "q-owner"]
    assert response.context["unchanged"] == ["q-single"]
    page = response.content.decode()
    assert "q-multiple: 2 changes" in page
    assertContains(
        response,
        f"<tr><th scope='row'>stem</th><td>{bank[2].stem}</td><td>A reworded stem</td></tr>",
        html=True,
    )
    assertContains(
        response,
        "<tr><th scope='row'>choice 5</th><td>E</td><td>A fifth, clearer choice</td></tr>",
        html=True,
    )
    assertContains(
        response,
        "<tr><th scope='row'>layers</th><td><span class='import-empty'>(none)</span></td>"
        "<td>guest-os</td></tr>",
        html=True,
    )
    assertContains(
        response, "<tr><th scope='row'>status</th><td>draft</td><td>published</td></tr>", html=True
    )
    assert "The file leaves 1 question exactly as it is: q-single." in page


def test_preview_refuses_a_misspelt_key_instead_of_ignoring_it(admin_client, bank):
    data = edited_bank()
    data["questions"][1]["choices"][0]["correct"] = True  # the example
    before, stems = rows(), snapshot()

    response = preview(admin_client, json.dumps(data), "bank.json")

    assert response.context["problems"] == [
        "Question 2 (q-owner), choice 1: unknown key \u201ccorrect\u201d: a choice takes text, "
        "is_correct, rationale; nothing else is read. Did you mean \u201cis_correct\u201d?"
    ]
    assert "result" not in response.context
    assert rows() == before and snapshot() == stems


# Export with item statistics ----------------------------------------------


def export_stats_url() -> str:
    return reverse("admin:quizzes_question_export_csv_statistics")


def answered(question: Question, *, picks: list[str], times: int) -> None:
    """`times` practice answers to `question`, each picking the choices whose text is given."""
    chosen = list(question.choices.filter(text__in=picks).values_list("pk", flat=True))
    correct = set(picks) == set(
        question.choices.filter(is_correct=True).values_list("text", flat=True)
    )
    learner = User.objects.get_or_create(username="practiser")[0]  # only theirs are statistics
    PracticeAnswer.objects.bulk_create(
        PracticeAnswer(user=learner, question=question, selected=chosen, correct=correct)
        for _ in range(times)
    )


def test_export_csv_with_statistics_adds_them_beside_each_question(admin_client, bank):
    single = bank[0]  # "The customer" is the key
    answered(single, picks=["The customer"], times=15)
    answered(single, picks=["AWS"], times=5)

    response = admin_client.get(export_stats_url())

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-with-statistics.csv"')
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(row for row in table if row["ref"] == "q-single")
    assert (row["answered"], row["facility"], row["discrimination"]) == ("20", "0.75", "")
    assert row["flags"] == "distractor nobody picks"
    picks = [row[f"choice_{n}_picks"] for n in range(1, 5)]
    assert picks == ["15", "5", "0", "0"]
    assert row["choice_5_picks"] == ""  # q-single has four choices
    unanswered = next(row for row in table if row["ref"] == "q-owner")
    assert (unanswered["answered"], unanswered["facility"]) == ("0", "")


def test_a_csv_exported_with_statistics_imports_back_as_it_is(admin_client, bank):
    answered(bank[0], picks=["AWS"], times=3)
    exported = admin_client.get(export_stats_url()).content
    assert bank_from_csv(exported) == bank_export()
    before = snapshot()
    payload = preview(admin_client, exported, "with-stats.csv").context["payload"]
    admin_client.post(IMPORT, {"payload": payload, "confirm": "1"})
    assert snapshot() == before


def test_export_selected_with_statistics(admin_client, bank):
    answered(bank[2], picks=["A", "B"], times=2)
    response = admin_client.post(
        CHANGELIST,
        {"action": "export_selected_csv_statistics", "_selected_action": [bank[2].pk]},
    )
    (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert (row["ref"], row["answered"], row["facility"]) == ("q-multiple", "2", "1.00")
    assert [row[f"choice_{n}_picks"] for n in range(1, 6)] == ["2", "2", "0", "0", "0"]


@pytest.mark.parametrize("size", [3, 30])
def test_export_with_statistics_queries_stay_fixed(
    admin_client, django_assert_max_num_queries, size
):
    for question in [QuestionFactory() for _ in range(size)]:
        answered(question, picks=["AWS"], times=2)
    # Session, user, then two for the statistics and four for the bank.
    with django_assert_max_num_queries(8):
        response = admin_client.get(export_stats_url())
    assert len(response.content.decode("utf-8-sig").splitlines()) == size + 1


def test_changelist_links_to_the_export_with_statistics(admin_client, bank):
    page = admin_client.get(CHANGELIST).content.decode()
    assert f'href="{export_stats_url()}"' in page
    assert "Export selected as CSV with item statistics" in page
