"""The learner's settings page: extra exam time and their time zone."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains, assertRedirects

from quizzes.models import LearnerProfile
from srm_site.shared.time_zones import learner_zone

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
PAGE_QUERIES = 7
SAVE_QUERIES = 7  # the first save creates the profile, then updates it


def select_html(response) -> str:
    match = re.search(r'<select name="time_zone".*?</select>', response.text, re.S)
    assert match, "no time-zone select"
    return match[0]


class TestTimeZoneOnTheProfilePage:
    def test_offers_a_labelled_select_of_zones_with_help(self, auth_client):
        response = auth_client.get(PROFILE)
        select = select_html(response)
        field_id = re.search(r'id="([^"]+)"', select)[1]
        assertContains(response, f'<label for="{field_id}">Your time zone:</label>', html=True)
        help_id = re.search(r'aria-describedby="([^"]+)"', select)[1]
        assertContains(response, f'id="{help_id}"')
        assert "midnight" in response.text.split(f'id="{help_id}"')[1].split("</div>")[0]
        assert '<option value="Asia/Tokyo">Asia/Tokyo</option>' in select
        assert '<option value="America/Los_Angeles">America/Los Angeles</option>' in select
        # Nothing chosen yet: the empty choice is selected (site.js may fill in the browser's).
        assert re.search(r'<option value="" selected>', select)
        assert "data-browser-time-zone" in select

    def test_a_chosen_zone_is_saved_and_shown_selected(self, auth_client, user):
        response = auth_client.post(
            PROFILE, {"time_multiplier": "1.5", "time_zone": "America/Los_Angeles"}
        )
        assertRedirects(response, PROFILE, fetch_redirect_response=False)
        profile = LearnerProfile.objects.get(user=user)
        assert (profile.time_multiplier, profile.time_zone) == ("1.5", "America/Los_Angeles")
        select = select_html(auth_client.get(PROFILE))
        assert '<option value="America/Los_Angeles" selected>' in select

    def test_an_empty_choice_clears_the_zone(self, auth_client, user):
        LearnerProfile.objects.create(user=user, time_zone="Asia/Tokyo")
        auth_client.post(PROFILE, {"time_multiplier": "1.0", "time_zone": ""})
        assert LearnerProfile.objects.get(user=user).time_zone == ""

    @pytest.mark.parametrize(
        "bad", ["Mars/Olympus_Mons", "localtime", "../../../etc/passwd", "asia/tokyo", "x" * 500]
    )
    def test_a_zone_we_do_not_know_is_refused_with_a_message_and_nothing_saved(
        self, auth_client, user, bad
    ):
        LearnerProfile.objects.create(user=user, time_multiplier="1.5", time_zone="Asia/Tokyo")
        response = auth_client.post(PROFILE, {"time_multiplier": "2.0", "time_zone": bad})

        assert response.status_code == 200
        assert response.context["form"].errors == {
            "time_zone": ["Choose a time zone from the list."]
        }
        select = select_html(response)
        assert 'aria-invalid="true"' in select
        error_id = re.search(r'aria-describedby="[^"]*?(\S+_error)', select)[1]
        assertContains(response, f'id="{error_id}"')
        profile = LearnerProfile.objects.get(user=user)
        assert (profile.time_multiplier, profile.time_zone) == ("1.5", "Asia/Tokyo")


class TestTheModelRefusesUnknownZones:
    @pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "localtime", "UTC "])
    def test_full_clean(self, user, bad):
        with pytest.raises(ValidationError) as refused:
            LearnerProfile(user=user, time_zone=bad).full_clean()
        assert set(refused.value.message_dict) == {"time_zone"}

    @pytest.mark.parametrize("good", ["", "UTC", "Asia/Tokyo", "America/Argentina/Buenos_Aires"])
    def test_accepts_known_zones_and_none(self, user, good):
        LearnerProfile(user=user, time_zone=good).full_clean()


class TestLearnerZone:
    @pytest.mark.parametrize(
        ("chosen", "browser", "zone"),
        [
            ("Asia/Tokyo", "America/Los_Angeles", "Asia/Tokyo"),
            ("", "America/Los_Angeles", "America/Los_Angeles"),
            (None, "Asia/Tokyo", "Asia/Tokyo"),
            ("", "Mars/Olympus_Mons", "UTC"),
            ("Nowhere/Else", None, "UTC"),  # a bad stored value never breaks a page
            ("", "", "UTC"),
            (None, None, "UTC"),
        ],
    )
    def test_chosen_then_browser_then_utc(self, chosen, browser, zone):
        assert str(learner_zone(chosen, browser)) == zone


class TestQueries:
    """The settings page costs the same few queries whatever the learner has done."""

    def test_showing_the_page(self, auth_client, django_assert_max_num_queries):
        with django_assert_max_num_queries(PAGE_QUERIES):
            assert auth_client.get(PROFILE).status_code == 200

    def test_saving_it(self, auth_client, django_assert_max_num_queries):
        data = {"time_multiplier": LearnerProfile.ExtraTime.NONE, "time_zone": "Asia/Tokyo"}
        with django_assert_max_num_queries(SAVE_QUERIES):
            response = auth_client.post(PROFILE, data)
        assertRedirects(response, PROFILE, fetch_redirect_response=False)
