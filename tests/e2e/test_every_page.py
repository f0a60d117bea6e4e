"""Every learner page, signed in with some history, at a phone's and a laptop's size:
no serious or critical axe violation, and nothing refused by the CSP (the `page`
fixture fails on any console error)."""

from __future__ import annotations

import pytest

from quizzes.exams.attempts import attempt_start
from quizzes.models import ExamBlueprint
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_dashboard import sit_an_exam_badly

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-unusual-passphrase-42"

PAGES = [
    "/",
    "/lessons/",
    "/lessons/saas-workspaces/",
    "/matrix/",
    "/matrix/compare/",
    "/matrix/ec2/",
    "/practice/",
    "/practice/mixed/",
    "/practice/drill/",
    "/practice/classify/",
    "/practice/classify/ec2/",
    "/exams/",
    "/dashboard/",
    "/review/",
    "/corrections/",
    "/accounts/profile/",
    "/accounts/data/",
]


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)], ids=["phone", "laptop"])
def test_every_learner_page_is_accessible_at_both_sizes(
    page, site, django_user_model, width, height
):
    learner = django_user_model.objects.create_user("walker", "w@example.com", PASSWORD)
    sit_an_exam_badly(learner)  # a result, a chart, a mastery map and due reviews
    finished = learner.attempts.get()
    live = attempt_start(
        user=learner, blueprint=ExamBlueprint.objects.order_by("question_count").first()
    ).attempt
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("walker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", level=1).first.wait_for()

    attempt_pages = [
        f"/attempts/{live.pk}/q/1/",
        f"/attempts/{live.pk}/submit",
        f"/attempts/{finished.pk}/result/",
    ]
    for path in PAGES + attempt_pages:
        response = page.goto(f"{site}{path}")
        assert response.status == 200, path
        try:
            assert_accessible(page)
        except AssertionError as failure:
            raise AssertionError(f"{path} at {width}px: {failure}") from None
        # Nothing wider than the screen: no sideways scrolling on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} at {width}px scrolls sideways by {overflow}px"
