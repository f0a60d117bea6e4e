"""The admin is for staff, and learners' data in it only for staff granted it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Admin pages that hold learners' data (answers, schedules, accounts, login attempts).
LEARNER_DATA = [
    "admin:quizzes_attempt_changelist",
    "admin:quizzes_reviewcard_changelist",
    "admin:quizzes_learnerprofile_changelist",
    "admin:lessons_lessonprogress_changelist",
    "admin:auth_user_changelist",
    "admin:axes_accessattempt_changelist",
    "admin:axes_accesslog_changelist",
]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["admin:index", *LEARNER_DATA])
def test_a_learner_is_sent_to_the_admin_login(user, name):
    url = reverse(name)
    response = logged_in(user).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_a_guest_is_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:quizzes_attempt_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("group", [None, "Instructors"], ids=["no-group", "instructor"])
def test_staff_see_no_learner_data_unless_granted(learners, group):
    staff = UserFactory(is_staff=True)
    if group:
        staff.groups.add(Group.objects.get(name=group))
    client = logged_in(staff)
    for name in LEARNER_DATA:
        assert client.get(reverse(name)).status_code == 403, name
    attempt = learners[0].finished
    change = reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    assert client.get(change).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:quizzes_attempt_changelist") not in index


def test_granting_view_attempt_opens_attempts_and_nothing_else(learners):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_attempt"))
    client = logged_in(staff)
    attempt = learners[0].finished
    assert client.get(reverse("admin:quizzes_attempt_changelist")).status_code == 200
    change = reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
