"""The caches added for speed never serve a page older than the content.

The matrix grid is a template fragment cached under a fingerprint of what it
shows; Markdown is remembered per text. Each test changes content the way an
instructor (admin save), a content release (loaddata: updated_at unchanged) or a
data migration (queryset.update) would, and expects the next page to show it.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.template import Context, Template

from lessons.matrix import MatrixContent
from lessons.models import Layer, Lesson, Owner, Responsibility, Service
from quizzes.exams.attempts import AnswerStatus, NavigatorRow
from tests.factories import LayerFactory, LessonFactory, ServiceFactory, build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def grid(client) -> str:
    html = client.get("/matrix/").content.decode()
    return html[html.index('<table class="matrix">') : html.index("</table>")]


class TestMatrixGridCache:
    def test_second_view_is_served_from_the_cache(self, client, django_assert_max_num_queries):
        build_matrix(services=3, layers=4)
        first = grid(client)
        with django_assert_max_num_queries(3):
            assert grid(client) == first

    def test_an_owner_change_shows_at_once(self, client):
        build_matrix(services=2, layers=2)
        cell = Responsibility.objects.first()
        cell.owner = Owner.AWS
        cell.save()
        before = grid(client)
        # queryset.update: no signals, no updated_at; the fingerprint still moves.
        Responsibility.objects.filter(pk=cell.pk).update(owner=Owner.CUSTOMER)
        after = grid(client)
        assert after != before
        assert after.count("owner--customer") == before.count("owner--customer") + 1

    def test_renaming_adding_and_removing_services_and_layers_shows(self, client):
        services, layers = build_matrix(services=2, layers=2)
        grid(client)
        Service.objects.filter(pk=services[0].pk).update(short_name="Renamed")
        assert "Renamed</a>" in grid(client)
        Service.objects.filter(pk=services[0].pk).update(slug="moved")
        assert 'href="/matrix/moved/"' in grid(client)
        Layer.objects.filter(pk=layers[0].pk).update(name="Brand new layer name")
        assert "Brand new layer name" in grid(client)
        ServiceFactory(short_name="Newcomer")
        html = grid(client)
        assert "Newcomer</a>" in html
        assert "Not yet written" in html  # its cells are missing, and the grid says so
        LayerFactory(name="Extra layer")
        assert "Extra layer" in grid(client)
        Service.objects.filter(short_name="Newcomer").delete()
        assert "Newcomer" not in grid(client)

    def test_reordering_services_reorders_the_columns(self, client):
        services, _ = build_matrix(services=2, layers=1)
        a, b = services
        Service.objects.filter(pk=a.pk).update(position=1, short_name="Alpha")
        Service.objects.filter(pk=b.pk).update(position=2, short_name="Beta")
        html = grid(client)
        assert html.index("Alpha") < html.index("Beta")
        Service.objects.filter(pk=a.pk).update(position=3)
        html = grid(client)
        assert html.index("Beta") < html.index("Alpha")

    def test_version_is_a_fingerprint_of_the_content(self):
        build_matrix(services=2, layers=2)
        version = MatrixContent.fetch().version
        assert MatrixContent.fetch().version == version
        Responsibility.objects.filter(pk=Responsibility.objects.first().pk).update(owner="n/a")
        assert MatrixContent.fetch().version != version


class TestMarkdownCache:
    def test_a_lesson_body_edited_without_touching_updated_at_shows(self, client):
        lesson = LessonFactory(published=True, body="First **version** of the body.")
        url = lesson.get_absolute_url()
        assert "First <strong>version</strong>" in client.get(url).content.decode()
        # As loaddata of an edited fixture would: updated_at stays what it was.
        Lesson.objects.filter(pk=lesson.pk).update(body="Second *version* of the body.")
        html = client.get(url).content.decode()
        assert "Second <em>version</em>" in html
        assert "First <strong>version</strong>" not in html

    def test_a_lesson_saved_in_the_admin_shows_its_new_body(self, client):
        lesson = LessonFactory(published=True, body="Old text.")
        client.get(lesson.get_absolute_url())
        lesson.body = "New text with a [link](https://aws.amazon.com/)."
        lesson.save()
        assert (
            'href="https://aws.amazon.com/"'
            in client.get(lesson.get_absolute_url()).content.decode()
        )


# What the navigator's template loop rendered before it became a template tag.
NAVIGATOR_LOOP = (
    "{% for row in navigator %}"
    '<li><button type="submit" form="answer-form" name="go" value="{{ row.position }}"'
    ' class="nav-item{% if row.answered %} nav-item--answered{% elif row.incomplete %}'
    ' nav-item--incomplete{% endif %}{% if row.flagged %} nav-item--flagged{% endif %}"'
    '{% if row.position == current %} aria-current="step"{% endif %}>{{ row.position }}'
    '{% if row.answered %}<span aria-hidden="true">✓</span>{% elif row.incomplete %}'
    '<span aria-hidden="true">◐</span>{% endif %}{% if row.flagged %}'
    '<span aria-hidden="true">⚑</span>{% endif %}<span class="visually-hidden">'
    "{% if row.answered %} answered{% elif row.incomplete %} incomplete{% else %}"
    " not answered{% endif %}{% if row.flagged %}, flagged{% endif %}</span></button></li>"
    "{% if not forloop.last %}\n{% endif %}{% endfor %}"
)


def test_navigator_tag_renders_what_the_template_loop_did():
    statuses = [AnswerStatus.UNANSWERED, AnswerStatus.INCOMPLETE, AnswerStatus.ANSWERED]
    navigator = [
        NavigatorRow(position=n, status=statuses[n % 3], flagged=n % 4 == 0) for n in range(1, 66)
    ]
    context = Context({"navigator": navigator, "current": 7})
    expected = Template(NAVIGATOR_LOOP).render(context)
    tag = Template("{% load quiz_tags %}{% navigator_items navigator current %}").render(context)
    assert tag == expected


def test_matrix_content_keeps_the_models_display_order(django_assert_num_queries):
    """The grid's rows are the models' rows in their own ordering, read in three queries."""
    build_matrix(services=4, layers=3)
    Service.objects.filter(pk=Service.objects.first().pk).update(position=99)
    with django_assert_num_queries(3):
        content = MatrixContent.fetch()
    assert content.services == [
        (s.pk, s.slug, s.name, s.short_name) for s in Service.objects.all()
    ]
    assert content.services[-1][0] == Service.objects.order_by("position").last().pk
    assert content.layers == [(row.pk, row.name, row.position) for row in Layer.objects.all()]
    assert content.cells == sorted(
        (cell.service_id, cell.layer_id, cell.owner) for cell in Responsibility.objects.all()
    )


class TestReverseCached:
    """URLs remembered per process are the ones `reverse()` gives, whatever the prefix."""

    def test_the_same_urls_as_reverse(self):
        from django.urls import reverse

        from srm_site.shared.reverse import reverse_cached

        for name, kwargs in [
            ("lessons:lesson_detail", {"slug": "iam"}),
            ("lessons:matrix_service", {"slug": "ec2"}),
            ("quizzes:attempt_question", {"pk": 7, "n": 12}),
            ("quizzes:practice_answer", {}),
        ]:
            assert reverse_cached(name, **kwargs) == reverse(name, kwargs=kwargs)
        assert reverse_cached("lessons:lesson_detail", slug="s3") != reverse_cached(
            "lessons:lesson_detail", slug="iam"
        )

    def test_a_script_prefix_is_part_of_the_key(self):
        from django.urls import set_script_prefix

        from srm_site.shared.reverse import reverse_cached

        assert reverse_cached("lessons:lesson_detail", slug="iam") == "/lessons/iam/"
        set_script_prefix("/academy/")
        try:
            assert reverse_cached("lessons:lesson_detail", slug="iam") == "/academy/lessons/iam/"
        finally:
            set_script_prefix("/")
        assert reverse_cached("lessons:lesson_detail", slug="iam") == "/lessons/iam/"
