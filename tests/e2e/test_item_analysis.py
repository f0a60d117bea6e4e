from __future__ import annotations

import pytest

from quizzes.models import PracticeAnswer, Question

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-unusual-passphrase-42"


def test_instructor_sorts_questions_by_facility_and_sees_the_broken_one_flagged(
    page, site, django_user_model
):
    django_user_model.objects.create_superuser("instructor", "i@example.com", PASSWORD)
    learner = django_user_model.objects.create(username="learner")  # guests' answers don't count
    broken = Question.objects.published().order_by("ref").first()
    wrong = broken.choices.filter(is_correct=False).first()
    PracticeAnswer.objects.bulk_create(
        PracticeAnswer(user=learner, question=broken, selected=[wrong.pk], correct=False)
        for _ in range(20)
    )

    page.goto(f"{site}/admin/quizzes/question/")
    page.get_by_label("Username").fill("instructor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Select question to change").wait_for()

    # A sortable header is a link (Django 6.1 gives it role="button"): found by its text.
    page.locator("#result_list thead .text a").get_by_text("Facility", exact=True).click()
    page.wait_for_url("**/admin/quizzes/question/?o=*")
    first = page.locator("#result_list tbody tr").first
    assert broken.ref in first.inner_text()
    assert "0.00" in first.locator("td.field-facility").inner_text()
    flags = first.locator("td.field-flags").inner_text()
    assert "⚠ too hard" in flags
    assert "⚠ distractor nobody picks" in flags
