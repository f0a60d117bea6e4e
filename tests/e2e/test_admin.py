"""The instructors' admin pages we customise, in a real browser: axe, CSP, layout."""

from __future__ import annotations

import json
import re

import pytest

from lessons.models import Service
from quizzes.bank.import_export import bank_export
from quizzes.models import BlueprintWeight, ExamBlueprint, PracticeAnswer, Question, QuestionReport
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-unusual-passphrase-42"
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle=")
VIEWPORTS = {"laptop": (1280, 800), "phone": (390, 844)}


@pytest.fixture
def instructor(page, site, django_user_model):
    """A superuser signed in on `page`."""
    user = django_user_model.objects.create_superuser("instructor", "i@example.com", PASSWORD)
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("instructor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Content").wait_for()
    return user


def assert_clean(page, response) -> None:
    """The page breaks no CSP rule and has no serious or critical axe finding."""
    page.wait_for_load_state("load")
    where = page.url
    assert page.console_errors == [], f"{where}: {page.console_errors}"
    # The admin's scripts may set styles through the DOM, which the CSP allows;
    # the HTML we serve may not carry any.
    assert not STYLE_ATTRIBUTE.findall(response.text()), f"{where}: a style attribute"
    try:
        assert_accessible(page)
    except AssertionError as error:
        raise AssertionError(f"{where}:\n{error}") from None
    # To read an @import-ed stylesheet (the admin's forms.css imports widgets.css),
    # axe copies it into a <style> element, which the CSP refuses. That refusal is
    # axe's own doing: the page itself was checked above, before axe ran.
    page.console_errors[:] = [e for e in page.console_errors if "inline style" not in e]


def bank_file(question: Question) -> bytes:
    """A single-answer question exported with a new stem and its key on the next choice."""
    data = bank_export(Question.objects.filter(pk=question.pk))
    (item,) = data["questions"]
    item["stem"] = "A reworded stem for the preview."
    flags = [choice["is_correct"] for choice in item["choices"]]
    for choice, flag in zip(item["choices"], flags[-1:] + flags[:-1], strict=True):
        choice["is_correct"] = flag
    return json.dumps(data).encode()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_customised_admin_pages_pass_axe_and_csp(page, site, instructor, viewport, scheme):
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(color_scheme=scheme)
    question = Question.objects.filter(kind=Question.Kind.SINGLE).order_by("ref").first()
    question.save()  # a second version on the History page
    QuestionReport.objects.create(
        question=question, user=instructor, reason=QuestionReport.Reason.choices[0][0], note="?"
    )
    blueprint = ExamBlueprint.objects.order_by("pk").first()
    BlueprintWeight.objects.create(
        blueprint=blueprint, service=Service.objects.get(slug="ec2"), percent=20
    )
    admin = f"{site}/admin/quizzes"

    for url in (
        f"{admin}/question/",
        f"{admin}/question/{question.pk}/change/",
        f"{admin}/question/{question.pk}/history/",
        f"{admin}/examblueprint/{blueprint.pk}/change/",
        f"{admin}/question/coverage/",
        f"{admin}/question/import/",
    ):
        assert_clean(page, page.goto(url))

    page.get_by_label("File").set_input_files(
        {"name": "bank.json", "mimeType": "application/json", "buffer": bank_file(question)}
    )
    with page.expect_navigation() as preview:
        page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Check the import").wait_for()
    assert_clean(page, preview.value)


def test_question_list_is_readable_at_1280_px(page, site, instructor):
    """The stem has room to be read, and flags and open reports show without scrolling."""
    page.set_viewport_size({"width": 1280, "height": 800})
    question = Question.objects.published().order_by("ref").first()
    wrong = question.choices.filter(is_correct=False).first()
    PracticeAnswer.objects.bulk_create(  # signed in: guests' answers aren't statistics
        PracticeAnswer(user=instructor, question=question, selected=[wrong.pk], correct=False)
        for _ in range(20)
    )
    QuestionReport.objects.create(
        question=question, user=instructor, reason=QuestionReport.Reason.choices[0][0]
    )

    page.goto(f"{site}/admin/quizzes/question/")

    table = page.locator(".results")
    overflow = table.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 1, f"the list scrolls sideways by {overflow} px"
    row = page.locator("#result_list tbody tr").first
    assert row.locator("td.field-short_stem").bounding_box()["width"] >= 250
    for column, text in (("flags", "⚠ too hard"), ("open_reports", "1")):
        cell = row.locator(f"td.field-{column}")
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= 1280, f"{column} is cut off"
        assert text in cell.inner_text()
