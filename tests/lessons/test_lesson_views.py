from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from lessons.models import LessonProgress
from lessons.progress import SESSION_KEY
from tests.factories import LessonFactory, QuestionFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def make_path(count: int):
    lessons = LessonFactory.create_batch(count)
    service = ServiceFactory()
    for i, lesson in enumerate(lessons):
        lesson.services.add(service)
        if i:
            lesson.prerequisites.add(lessons[i - 1])
    return lessons


class TestLessonList:
    url = "/lessons/"

    def test_shows_the_path_in_order_with_reading_time_and_prerequisites(self, client):
        first, second = make_path(2)
        response = client.get(self.url)
        html = response.content.decode()
        assert html.index(first.title) < html.index(second.title)
        assertContains(response, "1 min read", count=2)
        assertContains(response, "Read first:")
        assertContains(response, f"Start: {first.title}")

    def test_ticks_finished_lessons_and_fills_the_progress_bar(self, auth_client, user):
        first, second = make_path(2)
        LessonProgress.objects.create(user=user, lesson=first)
        response = auth_client.get(self.url)
        assertContains(response, "Finished:", count=1)
        assertContains(response, '<progress id="progress-meter" max="2" value="1">')
        assertContains(response, f"Continue: {second.title}")

    def test_hides_unpublished_lessons(self, client):
        LessonFactory(title="Secret draft", published=False)
        assertNotContains(client.get(self.url), "Secret draft")

    @pytest.mark.parametrize("count", [5, 40])
    def test_query_count_is_fixed_for_a_learner(
        self, auth_client, user, django_assert_max_num_queries, count
    ):
        lessons = make_path(count)
        LessonProgress.objects.create(user=user, lesson=lessons[0])
        with django_assert_max_num_queries(6):  # +1: the header's count of reviews due
            response = auth_client.get(self.url)
        assert response.status_code == 200

    @pytest.mark.parametrize("count", [5, 40])
    def test_query_count_is_fixed_for_a_guest(self, client, django_assert_max_num_queries, count):
        make_path(count)
        with django_assert_max_num_queries(3):
            response = client.get(self.url)
        assert response.status_code == 200


class TestLessonDetail:
    def test_renders_prompt_body_takeaways_links_and_pager(self, client):
        first, second, third = make_path(3)
        response = client.get(second.get_absolute_url())
        assertContains(response, "<details")
        assertContains(response, "Think before reading")
        assertContains(response, "<table>")
        assertContains(response, "Key takeaways")
        assertContains(
            response, 'href="https://aws.amazon.com/compliance/shared-responsibility-model/"'
        )
        assertContains(response, f'href="{second.services.get().get_absolute_url()}"')
        assertContains(response, f'href="{first.get_absolute_url()}" rel="prev"')
        assertContains(response, f'href="{third.get_absolute_url()}" rel="next"')

    def test_further_reading_links_are_a_list_one_item_each(self, client):
        lesson = LessonFactory(
            further_reading="[AWS compliance](https://aws.amazon.com/compliance/)\n"
            "- [Amazon S3](https://aws.amazon.com/s3/)\n\n"
            "[AWS IAM](https://aws.amazon.com/iam/)"
        )
        html = client.get(lesson.get_absolute_url()).content.decode()
        further = html.split('id="further-title"', 1)[1].split("</section>", 1)[0]
        assert further.count("<li>") == 3
        assert '<li><a href="https://aws.amazon.com/s3/">Amazon S3</a></li>' in further

    def test_further_reading_still_escapes_raw_html(self, client):
        lesson = LessonFactory(
            further_reading="<script>alert(1)</script> [x](javascript:alert(1))"
        )
        response = client.get(lesson.get_absolute_url())
        assertNotContains(response, "<script>alert")
        assertNotContains(response, 'href="javascript:')

    def test_unpublished_lesson_is_404_for_learners(self, auth_client):
        draft = LessonFactory(published=False)
        assert auth_client.get(draft.get_absolute_url()).status_code == 404

    def test_unpublished_lesson_is_previewable_by_staff(self, admin_client):
        draft = LessonFactory(published=False)
        question = QuestionFactory(lesson=draft)
        response = admin_client.get(draft.get_absolute_url())
        assertContains(response, "Draft preview")
        assertContains(response, "Check yourself")  # with its question, as learners will see it
        assertContains(response, question.stem)

    def test_unknown_lesson_is_404(self, client):
        assert client.get("/lessons/no-such-lesson/").status_code == 404

    @pytest.mark.parametrize("count", [5, 40])
    def test_query_count_is_fixed(self, auth_client, django_assert_max_num_queries, count):
        lessons = make_path(count)
        QuestionFactory.create_batch(3, lesson=lessons[count // 2])  # the check-yourself box
        # session, user, lesson, study path, services, question with choices; +1: the header's
        # count of reviews due
        with django_assert_max_num_queries(7):
            response = auth_client.get(lessons[count // 2].get_absolute_url())
        assertContains(response, "Check yourself")


class TestMarkComplete:
    def url(self, lesson):
        return reverse("lessons:lesson_complete", kwargs={"slug": lesson.slug})

    def test_without_javascript_posts_and_redirects_back(self, auth_client, user):
        lesson = LessonFactory()
        response = auth_client.post(self.url(lesson))
        assertRedirects(response, lesson.get_absolute_url())
        assert LessonProgress.objects.filter(user=user, lesson=lesson).exists()
        assertContains(auth_client.get(lesson.get_absolute_url()), "You finished this lesson")

    def test_htmx_swaps_the_button_and_the_progress_bar_in_place(self, client):
        lesson, _ = make_path(2)
        response = client.post(self.url(lesson), headers=HX)
        html = response.content.decode()
        assert "<html" not in html
        assert 'id="lesson-complete"' in html and "You finished this lesson" in html
        assert 'id="progress-bar" class="progress" hx-swap-oob="true"' in html
        assert 'value="1"' in html
        assert client.session[SESSION_KEY] == [lesson.pk]

    def test_undo_marks_it_unfinished(self, auth_client, user):
        lesson = LessonFactory()
        LessonProgress.objects.create(user=user, lesson=lesson)
        auth_client.post(self.url(lesson), {"undo": "1"})
        assert not LessonProgress.objects.filter(user=user).exists()

    def test_get_is_not_allowed(self, client):
        assert client.get(self.url(LessonFactory())).status_code == 405

    def test_cannot_complete_an_unpublished_lesson(self, auth_client, user):
        draft = LessonFactory(published=False)
        assert auth_client.post(self.url(draft)).status_code == 404
        assert not LessonProgress.objects.exists()

    def test_csrf_is_enforced(self, user):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        assert client.post(self.url(LessonFactory())).status_code == 403

    @pytest.mark.parametrize("count", [5, 40])
    def test_query_count_is_fixed(self, auth_client, django_assert_max_num_queries, count):
        lessons = make_path(count)
        with django_assert_max_num_queries(8):
            response = auth_client.post(self.url(lessons[0]), headers=HX)
        assert response.status_code == 200


class TestHome:
    def test_continue_where_you_left_off(self, auth_client, user):
        first, second = make_path(2)
        LessonProgress.objects.create(user=user, lesson=first)
        response = auth_client.get("/")
        assertContains(response, "Continue where you left off")
        assertContains(response, f'Next up: <a href="{second.get_absolute_url()}"')

    @pytest.mark.parametrize("count", [5, 40])
    def test_query_count_is_fixed(self, auth_client, django_assert_max_num_queries, count):
        make_path(count)
        with django_assert_max_num_queries(6):  # +1: the header's count of reviews due
            response = auth_client.get("/")
        assert response.status_code == 200


class TestCachedLessonText:
    """The lesson's own text is cached by a digest of it: an edit shows at once."""

    def test_an_edit_to_the_lesson_or_its_services_shows_on_the_next_visit(self, client):
        lesson = LessonFactory(published=True, title="Old title", body="Old body words.")
        service = ServiceFactory(name="Old service name")
        lesson.services.add(service)
        url = lesson.get_absolute_url()
        assertContains(client.get(url), "Old body words.")
        assertContains(client.get(url), "Old service name")  # now served from the cache

        lesson.title, lesson.body = "New title", "New body words."
        lesson.save()
        service.name = "New service name"
        service.save()
        response = client.get(url)
        assertContains(response, "New title")
        assertContains(response, "New body words.")
        assertContains(response, "New service name")
        assertNotContains(response, "Old body words.")
        assertNotContains(response, "Old service name")

    def test_a_change_made_without_saving_the_model_shows_too(self, client):
        """A queryset update skips auto_now: the key is the text itself, not updated_at."""
        from lessons.models import Lesson

        lesson = LessonFactory(published=True, body="Before the bulk edit.")
        assertContains(client.get(lesson.get_absolute_url()), "Before the bulk edit.")
        Lesson.objects.filter(pk=lesson.pk).update(body="After the bulk edit.")
        assertContains(client.get(lesson.get_absolute_url()), "After the bulk edit.")

    def test_what_differs_by_learner_is_not_cached(self, auth_client):
        first, second = make_path(2)
        auth_client.post(reverse("lessons:lesson_complete", args=[first.slug]))
        assertContains(auth_client.get(second.get_absolute_url()), "(done)")
        assertNotContains(Client().get(second.get_absolute_url()), "(done)")  # a guest


class TestProgressOnTheLessonPage:
    """The page reads the learner's finished lessons along with the path: only theirs."""

    def test_another_learners_progress_never_shows(self, auth_client, user):
        first, second = make_path(2)
        other = UserFactory()
        LessonProgress.objects.create(user=other, lesson=first)
        LessonProgress.objects.create(user=other, lesson=second)
        response = auth_client.get(second.get_absolute_url())
        assertNotContains(response, "(done)")
        assertNotContains(response, "You finished this lesson")
        assertContains(response, "0 of 2 lessons complete")

        LessonProgress.objects.create(user=user, lesson=first)
        response = auth_client.get(second.get_absolute_url())
        assertContains(response, "(done)")
        assertContains(response, "1 of 2 lessons complete")
        assertNotContains(response, "You finished this lesson")

    def test_staff_previewing_a_finished_draft_see_it_finished(self, admin_client, admin_user):
        draft = LessonFactory(published=False)
        LessonProgress.objects.create(user=admin_user, lesson=draft)
        assertContains(admin_client.get(draft.get_absolute_url()), "You finished this lesson")
