"""Blueprint weights: the share arithmetic, the selection, the start, the admin and the list."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.exams.admin import BOTH, NEITHER
from quizzes.exams.attempts import attempt_start
from quizzes.exams.selection import select_questions, weight_quotas
from quizzes.exams.weights import weights_summary
from quizzes.models import BlueprintWeight, ExamBlueprint, Question
from tests.factories import (
    BlueprintFactory,
    LayerFactory,
    LessonFactory,
    QuestionFactory,
    ServiceFactory,
    UserFactory,
    build_bank,
    owner_question,
)

SEEDS = range(150)


# --- The share arithmetic (no database) ---------------------------------------------


@pytest.mark.parametrize(
    ("count", "percents", "quotas"),
    [
        (10, [30, 20], [3, 2]),
        (10, [25], [3]),  # 2.5 rounds half up
        (10, [24], [2]),
        (5, [50, 50], [3, 2]),  # a tie: the earlier area gets the extra question
        (10, [33, 33, 33], [4, 3, 3]),  # 9.9 of 10 rounds to all 10
        (65, [30, 20, 10], [20, 13, 6]),  # 19.5, 13, 6.5: the larger remainder first
        (7, [1], [0]),
        (1, [50, 30], [1, 0]),
        (10, [], []),
    ],
)
def test_quotas_round_by_largest_remainder(count, percents, quotas):
    assert weight_quotas(count, percents) == quotas


@pytest.mark.parametrize(
    ("count", "percents", "quotas"),
    [
        (10, [80, 80], [5, 5]),
        (10, [100, 50], [7, 3]),  # 6.67 and 3.33 of the whole
        (3, [60, 60, 60], [1, 1, 1]),
        (7, [100, 100, 100], [3, 2, 2]),
    ],
)
def test_weights_past_100_percent_are_scaled_down(count, percents, quotas):
    assert weight_quotas(count, percents) == quotas
    assert sum(quotas) == count


def test_zero_questions_reserve_nothing():
    assert weight_quotas(0, [50, 30]) == [0, 0]
    assert weight_quotas(10, [0, 0]) == [0, 0]


def test_quotas_never_exceed_the_count():
    rng = random.Random(1)
    for _ in range(2000):
        count = rng.randint(0, 80)
        percents = [rng.randint(1, 100) for _ in range(rng.randint(1, 6))]
        quotas = weight_quotas(count, percents)
        assert sum(quotas) <= count
        scale = max(100, sum(percents))
        for quota, percent in zip(quotas, percents, strict=True):
            assert abs(quota - count * percent / scale) < 1


# --- Selection ----------------------------------------------------------------------


@pytest.fixture
def ec2():
    return ServiceFactory(slug="ec2", name="Amazon EC2", short_name="EC2")


@pytest.fixture
def iam():
    return ServiceFactory(slug="iam", name="AWS IAM", short_name="IAM")


def tagged(n: int, *, services=(), layers=()) -> list[Question]:
    lesson = LessonFactory()
    questions = QuestionFactory.create_batch(n, lesson=lesson)
    for question in questions:
        question.services.add(*services)
        question.layers.add(*layers)
    return questions


@pytest.fixture
def bank(ec2):
    """100 questions: 10 on EC2, the rest spread over nine other services."""
    others = ServiceFactory.create_batch(9)
    ec2_ids = {q.pk for q in tagged(10, services=[ec2])}
    for service in others:
        tagged(10, services=[service], layers=[LayerFactory()])
    assert Question.objects.published().count() == 100
    return ec2_ids


@pytest.mark.django_db
def test_selection_honours_a_weight_in_every_draw(bank):
    for seed in SEEDS:
        chosen = select_questions(
            count=10, rng=random.Random(seed), weights=[("service", "ec2", 50)]
        )
        assert len(chosen) == 10
        assert len(set(chosen)) == 10
        assert len(bank & set(chosen)) >= 5, seed


@pytest.mark.django_db
def test_without_the_weight_the_area_gets_its_usual_share(bank):
    # The check above would be meaningless if stratification alone gave EC2 half.
    low = sum(len(bank & set(select_questions(count=10, rng=random.Random(s)))) < 5 for s in SEEDS)
    assert low == len(SEEDS)


@pytest.mark.django_db
def test_blueprint_weight_rows_and_layers_are_honoured(ec2):
    network = LayerFactory(slug="network", name="Network")
    on_layer = {q.pk for q in tagged(8, layers=[network])}
    tagged(40, services=[ServiceFactory()])
    blueprint = BlueprintFactory(question_count=10)
    BlueprintWeight.objects.create(blueprint=blueprint, layer=network, percent=60)
    weights = list(blueprint.weights.select_related("service", "layer"))
    for seed in range(30):
        chosen = select_questions(count=10, rng=random.Random(seed), weights=weights)
        assert len(on_layer & set(chosen)) >= 6


@pytest.mark.django_db
def test_a_question_in_two_weighted_areas_counts_once(ec2, iam):
    both = {q.pk for q in tagged(4, services=[ec2, iam])}
    only_iam = {q.pk for q in tagged(4, services=[iam])}
    tagged(30, services=[ServiceFactory()])
    weights = [("service", "ec2", 40), ("service", "iam", 40)]
    for seed in range(40):
        chosen = set(select_questions(count=10, rng=random.Random(seed), weights=weights))
        assert len(chosen) == 10
        # EC2 takes all four shared questions; IAM then needs its own four.
        assert both <= chosen
        assert only_iam <= chosen


@pytest.mark.django_db
def test_a_short_area_gives_all_it_has_and_the_rest_fills_up(ec2):
    few = {q.pk for q in tagged(2, services=[ec2])}
    tagged(20, services=[ServiceFactory()])
    for seed in range(30):
        chosen = select_questions(
            count=10, rng=random.Random(seed), weights=[("service", "ec2", 50)]
        )
        assert len(chosen) == len(set(chosen)) == 10
        assert few <= set(chosen)


@pytest.mark.django_db
def test_an_area_without_questions_is_no_failure():
    build_bank(12)
    chosen = select_questions(
        count=12, rng=random.Random(3), weights=[("layer", "no-such-layer", 40)]
    )
    assert len(set(chosen)) == 12


@pytest.mark.django_db
def test_weights_add_no_queries(bank, iam, django_assert_num_queries):
    weights = [("service", "ec2", 30), ("service", "iam", 20), ("layer", "layer-1", 10)]
    with django_assert_num_queries(3):
        select_questions(count=10, rng=random.Random(1), weights=weights)


def test_a_weight_is_on_a_service_or_a_layer():
    with pytest.raises(ValueError, match="service or a layer"):
        select_questions(count=1, weights=[("lesson", "x", 10)])


# --- Starting an exam ---------------------------------------------------------------


@pytest.mark.django_db
def test_attempt_start_uses_the_blueprints_weights(bank, ec2):
    blueprint = BlueprintFactory(question_count=8)
    BlueprintWeight.objects.create(blueprint=blueprint, service=ec2, percent=100)
    user = UserFactory()
    started = attempt_start(user=user, blueprint=blueprint, rng=random.Random(2))
    ids = set(started.attempt.items.values_list("question_id", flat=True))
    assert len(ids) == 8
    assert ids <= bank


# --- The admin ----------------------------------------------------------------------


def _exam_pool(count: int, *services) -> None:
    """`count` exam-shaped published questions tagged with each of `services`."""
    for _ in range(count):
        QuestionFactory().services.add(*services)


def _blueprint_post(blueprint: ExamBlueprint, rows: list[dict], initial: int = 0) -> dict:
    data = {
        "slug": blueprint.slug,
        "title": blueprint.title,
        "description": "",
        "question_count": str(blueprint.question_count),
        "unscored_count": "0",
        "minutes": str(blueprint.minutes),
        "pass_score": "700",
        "position": "0",
        "published": "on",
        "weights-TOTAL_FORMS": str(len(rows)),
        "weights-INITIAL_FORMS": str(initial),
        "weights-MIN_NUM_FORMS": "0",
        "weights-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, row in enumerate(rows):
        for field, value in row.items():
            data[f"weights-{i}-{field}"] = str(value)
    return data


def _change_url(blueprint: ExamBlueprint) -> str:
    return reverse("admin:quizzes_examblueprint_change", args=[blueprint.pk])


@pytest.mark.django_db
def test_admin_inline_saves_a_weight(admin_client, ec2):
    _exam_pool(10, ec2)
    blueprint = BlueprintFactory()
    page = admin_client.get(_change_url(blueprint))
    assertContains(page, "weights-TOTAL_FORMS")
    response = admin_client.post(
        _change_url(blueprint), _blueprint_post(blueprint, [{"service": ec2.pk, "percent": 30}])
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    weight = blueprint.weights.get()
    assert (weight.service, weight.layer, weight.percent) == (ec2, None, 30)


@pytest.mark.django_db
def test_admin_inline_refuses_more_than_100_percent(admin_client, ec2, iam):
    blueprint = BlueprintFactory()
    rows = [{"service": ec2.pk, "percent": 70}, {"service": iam.pk, "percent": 40}]
    response = admin_client.post(_change_url(blueprint), _blueprint_post(blueprint, rows))
    assert response.status_code == 200
    assertContains(response, "These weights add up to 110 %")
    assert not blueprint.weights.exists()


@pytest.mark.django_db
def test_admin_inline_counts_only_the_rows_kept(admin_client, ec2, iam):
    _exam_pool(10, iam)
    blueprint = BlueprintFactory()
    old = BlueprintWeight.objects.create(blueprint=blueprint, service=ec2, percent=70)
    rows = [
        {
            "id": old.pk,
            "blueprint": blueprint.pk,
            "service": ec2.pk,
            "percent": 70,
            "DELETE": "on",
        },
        {"service": iam.pk, "percent": 40},
    ]
    response = admin_client.post(_change_url(blueprint), _blueprint_post(blueprint, rows, 1))
    assert response.status_code == 302
    assert [w.service for w in blueprint.weights.all()] == [iam]


@pytest.mark.django_db
@pytest.mark.parametrize("both", [True, False])
def test_admin_inline_wants_a_service_or_a_layer(admin_client, ec2, both):
    blueprint = BlueprintFactory()
    row = {"percent": 20}
    if both:
        row |= {"service": ec2.pk, "layer": LayerFactory().pk}
    response = admin_client.post(_change_url(blueprint), _blueprint_post(blueprint, [row]))
    assert response.status_code == 200
    assertContains(response, BOTH if both else NEITHER)
    assertNotContains(response, "is violated")
    assert not blueprint.weights.exists()


@pytest.mark.django_db
def test_blueprint_list_shows_the_weights(admin_client, ec2, iam):
    blueprint = BlueprintFactory(title="Weighted mock")
    BlueprintWeight.objects.create(blueprint=blueprint, service=iam, percent=20)
    BlueprintWeight.objects.create(blueprint=blueprint, service=ec2, percent=30)
    response = admin_client.get(reverse("admin:quizzes_examblueprint_changelist"))
    assertContains(response, "EC2 30 %, IAM 20 %")


@pytest.mark.django_db
def test_instructors_author_weights():
    instructor = UserFactory(is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructors"))
    for action in ("add", "change", "delete", "view"):
        assert instructor.has_perm(f"quizzes.{action}_blueprintweight"), action
    ec2 = ServiceFactory(short_name="EC2")
    _exam_pool(10, ec2)
    blueprint = BlueprintFactory()
    client = Client()
    client.force_login(instructor)
    response = client.post(
        _change_url(blueprint), _blueprint_post(blueprint, [{"service": ec2.pk, "percent": 25}])
    )
    assert response.status_code == 302
    assert blueprint.weights.get().percent == 25


@pytest.mark.django_db
def test_a_published_blueprint_its_pool_cannot_fill_is_refused(admin_client, ec2, iam):
    _exam_pool(6, ec2)  # EC2's 40 % of 10 needs 4: there; IAM's 30 % needs 3: none
    _exam_pool(4)
    blueprint = BlueprintFactory(question_count=10)
    rows = [{"service": ec2.pk, "percent": 40}, {"service": iam.pk, "percent": 30}]
    response = admin_client.post(_change_url(blueprint), _blueprint_post(blueprint, rows))
    assert response.status_code == 200
    assertContains(response, "The IAM share (30 %) needs 3 exam-style questions tagged IAM")
    assertNotContains(response, "The EC2 share")
    assert not blueprint.weights.exists()


@pytest.mark.django_db
def test_owner_items_do_not_count_towards_the_pool(admin_client):
    for _ in range(12):
        owner_question()
    blueprint = BlueprintFactory(question_count=10)
    response = admin_client.post(_change_url(blueprint), _blueprint_post(blueprint, []))
    assertContains(response, "This exam needs 10 exam-style questions")
    unpublished = {**_blueprint_post(blueprint, []), "published": ""}
    assert admin_client.post(_change_url(blueprint), unpublished).status_code == 302


@pytest.mark.django_db
def test_the_blueprint_page_shows_the_pool_per_share(admin_client, ec2):
    _exam_pool(5, ec2)
    blueprint = BlueprintFactory(question_count=10)
    BlueprintWeight.objects.create(blueprint=blueprint, service=ec2, percent=50)
    page = admin_client.get(_change_url(blueprint))
    assertContains(page, "<td>EC2</td><td>50 %</td><td>5</td><td>5</td>", html=False)
    assertContains(page, "<td>Whole exam</td><td>100 %</td><td>10</td><td>5</td>", html=False)


@pytest.mark.django_db
def test_the_pool_table_escapes_area_names(admin_client):
    blueprint = BlueprintFactory(question_count=10)
    service = ServiceFactory(short_name="<b>S3</b>")
    BlueprintWeight.objects.create(blueprint=blueprint, service=service, percent=50)
    page = admin_client.get(_change_url(blueprint))
    assertContains(page, "<td>&lt;b&gt;S3&lt;/b&gt;</td><td>50 %</td>", html=False)
    assertContains(page, "⚠ The &lt;b&gt;S3&lt;/b&gt; share (50 %) needs 5", html=False)
    assertNotContains(page, "<b>S3</b>")


@pytest.mark.django_db
def test_ticking_published_in_the_list_checks_the_pool(admin_client):
    blueprint = BlueprintFactory(question_count=10, published=False)
    url = reverse("admin:quizzes_examblueprint_changelist")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(blueprint.pk),
        "form-0-published": "on",
        "_save": "Save",
    }
    response = admin_client.post(url, data)
    assertContains(response, "This exam needs 10 exam-style questions")
    blueprint.refresh_from_db()
    assert blueprint.published is False


# --- The exam list ------------------------------------------------------------------


@pytest.mark.django_db
def test_exam_list_describes_the_weighting(client, ec2, iam):
    build_bank(10)
    weighted = BlueprintFactory(title="Weighted mock")
    BlueprintWeight.objects.create(blueprint=weighted, service=iam, percent=20)
    BlueprintWeight.objects.create(blueprint=weighted, service=ec2, percent=30)
    BlueprintFactory(title="Plain mock")
    response = client.get(reverse("quizzes:exam_list"))
    assertContains(response, "Weighted: 30 % EC2, 20 % IAM", count=1)
    assertContains(response, "Weighted:", count=1)


@pytest.mark.django_db
def test_exam_list_queries_dont_grow_with_weighted_blueprints(client, ec2):
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            client.get(reverse("quizzes:exam_list"))
        return len(context)

    network = LayerFactory(name="Network")
    BlueprintWeight.objects.create(blueprint=BlueprintFactory(), service=ec2, percent=10)
    one = queries()
    for _ in range(4):
        blueprint = BlueprintFactory()
        BlueprintWeight.objects.create(blueprint=blueprint, service=ec2, percent=10)
        BlueprintWeight.objects.create(blueprint=blueprint, layer=network, percent=10)
    assert queries() == one


def test_summary_names_services_by_short_name_and_layers_by_name():
    service = ServiceFactory.build(pk=1, short_name="EC2")
    layer = LayerFactory.build(pk=2, name="Network")
    weights = [
        BlueprintWeight(service=service, percent=30),
        BlueprintWeight(layer=layer, percent=20),
    ]
    assert weights_summary(weights) == "30 % EC2, 20 % Network"
    assert weights_summary(weights, percent_first=False) == "EC2 30 %, Network 20 %"
    assert weights_summary([]) == ""
