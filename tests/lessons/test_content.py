"""The shipped content: complete, idempotent to load, and sourced."""

from __future__ import annotations

import re

import pytest
from django.db.models import Count

from lessons.markdown import render_markdown
from lessons.models import Control, Layer, Lesson, Owner, Responsibility, Service
from lessons.sources import is_aws_source
from quizzes.content import content_load

pytestmark = pytest.mark.django_db

CANONICAL_LAYERS = [
    "physical-facilities", "hardware", "network-infrastructure", "virtualization", "guest-os",
    "platform-runtime", "application", "network-config", "identity-access", "encryption",
    "customer-data", "backup-recovery", "logging-monitoring",
]  # fmt: skip
CANONICAL_SERVICES = {
    "ec2",
    "rds",
    "lambda",
    "s3",
    "dynamodb",
    "ecs-ec2",
    "fargate",
    "vpc",
    "iam",
    "workspaces",
}


def test_layers_are_the_canonical_thirteen_bottom_to_top(shipped_content):
    assert list(Layer.objects.values_list("slug", flat=True)) == CANONICAL_LAYERS


def test_every_canonical_service_is_shipped_and_ec2_comes_first(shipped_content):
    slugs = list(Service.objects.values_list("slug", flat=True))
    assert set(slugs) >= CANONICAL_SERVICES
    assert slugs[0] == "ec2"


def test_every_service_has_every_layer_with_both_sides_written(shipped_content):
    per_service = Service.objects.annotate(cells=Count("responsibilities"))
    assert {s.slug: s.cells for s in per_service} == {s.slug: 13 for s in per_service}
    for cell in Responsibility.objects.select_related("service", "layer"):
        assert cell.aws_part.strip(), f"{cell} has no AWS part"
        assert cell.customer_part.strip(), f"{cell} has no customer part"


def test_owners_match_the_exam_facts(shipped_content):
    def owner(service, layer):
        return Responsibility.objects.get_by_natural_key(service, layer).owner

    # Security of the cloud is always AWS's.
    for service in CANONICAL_SERVICES:
        assert owner(service, "physical-facilities") == Owner.AWS
        assert owner(service, "hardware") == Owner.AWS
    assert owner("ec2", "guest-os") == Owner.CUSTOMER
    assert owner("rds", "guest-os") == Owner.AWS
    assert owner("lambda", "platform-runtime") == Owner.AWS
    assert owner("s3", "identity-access") == Owner.CUSTOMER
    assert owner("ecs-ec2", "guest-os") == Owner.CUSTOMER
    assert owner("fargate", "guest-os") == Owner.AWS


def test_controls_cover_all_three_kinds(shipped_content):
    kinds = set(Control.objects.values_list("kind", flat=True))
    assert kinds == {"inherited", "shared", "customer-specific"}
    shared = set(Control.objects.filter(kind="shared").values_list("slug", flat=True))
    assert {"patch-management", "configuration-management", "awareness-and-training"} <= shared
    for control in Control.objects.all():
        assert control.aws_part.strip() and control.customer_part.strip()


def test_loading_twice_changes_nothing(shipped_content):
    def snapshot():
        return (
            list(Layer.objects.values()),
            list(Service.objects.values()),
            list(Responsibility.objects.values()),
            list(Control.objects.values()),
            list(Lesson.objects.values()),
            list(Lesson.prerequisites.through.objects.values()),
            list(Lesson.services.through.objects.values()),
        )

    content_load()  # the real loader, on top of the shipped rows
    before = snapshot()
    content_load()
    assert snapshot() == before


REQUIRED_LESSON_TOPICS = {
    "shared-responsibility-in-one-line", "what-aws-always-owns", "what-the-customer-always-owns",
    "control-types", "abstraction-spectrum", "ec2", "containers-ecs-fargate", "rds", "dynamodb",
    "lambda", "s3", "vpc", "iam", "saas-workspaces", "compliance-inheritance",
    "architecture-web-app-ec2-rds", "exam-traps",
}  # fmt: skip


def test_at_least_fourteen_published_lessons_cover_every_topic(shipped_content):
    slugs = set(Lesson.objects.published().values_list("slug", flat=True))
    assert len(slugs) >= 14
    assert slugs >= REQUIRED_LESSON_TOPICS


def test_every_shipped_lesson_has_every_part(shipped_content):
    lessons = Lesson.objects.prefetch_related("services", "prerequisites")
    positions = {lesson.slug: lesson.position for lesson in lessons}
    for lesson in lessons:
        where = f"lesson {lesson.slug}"
        assert lesson.summary.strip() and lesson.prompt.strip() and lesson.prompt_answer.strip(), (
            where
        )
        assert lesson.exam_ref.startswith("CLF-C02"), where
        html = render_markdown(lesson.body)
        has_table = "<table>" in html
        has_scenario = any(
            line.startswith("#") and "scenario" in line.lower()
            for line in lesson.body.splitlines()
        )
        assert has_table or has_scenario, f"{where}: no table or worked scenario"
        assert len(lesson.takeaway_list) >= 3, f"{where}: fewer than 3 takeaways"
        links = re.findall(r'href="([^"]+)"', render_markdown(lesson.further_reading))
        assert links and all(is_aws_source(link) for link in links), where
        assert lesson.services.exists(), f"{where}: no related service"
        for prerequisite in lesson.prerequisites.all():
            assert positions[prerequisite.slug] < lesson.position, f"{where}: prerequisite later"
        assert "<" not in lesson.body, f"{where}: raw HTML in the body"
