from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from lessons.models import LessonProgress
from srm_site.accounts.forms import SignupForm
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "newlearner",
    "email": "new@example.com",
    "password1": "a-long-unusual-passphrase-42",
    "password2": "a-long-unusual-passphrase-42",
}


def test_signup_logs_in_and_returns_to_next(client):
    lesson = LessonFactory()
    response = client.post("/accounts/signup/", {**SIGNUP, "next": lesson.get_absolute_url()})
    assertRedirects(response, lesson.get_absolute_url())
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get().pk)


def test_signup_welcomes_the_new_learner_by_name(client):
    lesson = LessonFactory()
    response = client.post(
        "/accounts/signup/", {**SIGNUP, "next": lesson.get_absolute_url()}, follow=True
    )
    assertContains(response, "Welcome to SRM Academy, newlearner!")
    assertContains(response, '<li class="message message--success"><span role="status">Welcome')
    # Shown once, not on every page after.
    assertNotContains(client.get(lesson.get_absolute_url()), "Welcome to SRM Academy")


def test_signup_refuses_an_offsite_next(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "next": "https://evil.example/"})
    assertRedirects(response, "/", fetch_redirect_response=False)


@pytest.mark.parametrize("target", ["0", "home", "lessons:home", "dashboard/"])
def test_signup_ignores_a_next_that_is_not_a_path(client, target):
    # redirect() read these as view names: "0" was a NoReverseMatch, a server error.
    response = client.post("/accounts/signup/", {**SIGNUP, "next": target})
    assertRedirects(response, "/", fetch_redirect_response=False)
    # Signed in already, the same `next` sends the learner home too.
    response = client.post(f"/accounts/signup/?next={target}")
    assertRedirects(response, "/", fetch_redirect_response=False)


def test_signup_with_bad_input_says_why_and_creates_nothing(client):
    UserFactory(email="taken@example.com")
    bad = {**SIGNUP, "email": "taken@example.com", "password2": "different"}
    response = client.post("/accounts/signup/", bad)
    assert response.status_code == 200
    assertContains(response, "already exists")
    assertContains(response, "password fields didn’t match")
    assert get_user_model().objects.count() == 1


def test_guest_progress_moves_to_the_new_account(client):
    lesson = LessonFactory()
    client.post(f"/lessons/{lesson.slug}/complete")
    client.post("/accounts/signup/", SIGNUP)
    user = get_user_model().objects.get(username="newlearner")
    assert list(LessonProgress.objects.filter(user=user).values_list("lesson", flat=True)) == [
        lesson.pk
    ]


def test_guest_progress_moves_on_login_without_doubling(client):
    user = UserFactory()
    both, guest_only = LessonFactory(), LessonFactory()
    LessonProgress.objects.create(user=user, lesson=both)
    client.post(f"/lessons/{both.slug}/complete")
    client.post(f"/lessons/{guest_only.slug}/complete")
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert LessonProgress.objects.filter(user=user).count() == 2


def test_logout_is_a_post(auth_client):
    assert auth_client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in auth_client.session


def test_password_reset_sends_a_link(client):
    UserFactory(email="forgot@example.com")
    response = client.post("/accounts/password_reset/", {"email": "forgot@example.com"})
    assertRedirects(response, "/accounts/password_reset/done/")
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_change_requires_login(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"],
)
def test_account_pages_render(client, url):
    assert client.get(url).status_code == 200


def test_the_database_refuses_a_second_account_for_an_address_in_other_case():
    User = get_user_model()
    User.objects.create_user("first", "Learner@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("second", "learner@example.COM")
    # Accounts without an address (a superuser made on the command line) don't collide.
    User.objects.create_user("no-mail-1", "")
    User.objects.create_user("no-mail-2", "")
    assert User.objects.count() == 3


def test_two_signups_racing_for_one_address_end_with_one_account_and_the_message(client):
    """Both pass the form's check before either is saved: the index decides, and the
    loser sees the same message as an ordinary duplicate, not a server error."""
    UserFactory(username="winner", email="taken@example.com")
    with mock.patch.object(SignupForm, "clean_email", lambda form: form.cleaned_data["email"]):
        response = client.post("/accounts/signup/", {**SIGNUP, "email": "TAKEN@example.com"})
    assert response.status_code == 200
    assertContains(response, "An account with this email already exists. Log in instead.")
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["winner"]
    assert "_auth_user_id" not in client.session
