"""The question bank we ship meets the bar the exam sets."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db.models import Count, Q

from lessons.models import Layer, Responsibility, Service
from quizzes.bank.validation import ChoiceDraft, question_problems
from quizzes.models import Question

pytestmark = pytest.mark.django_db

CANONICAL_SERVICES = [
    "ec2", "rds", "lambda", "s3", "dynamodb", "ecs-ec2", "fargate", "vpc", "iam", "workspaces"
]  # fmt: skip

# Every classic scenario of the exam's Task 2.1, found by the words its stem must contain.
CLASSIC_SCENARIOS = {
    "unpatched EC2 operating system": [r"\bEC2\b", r"patch"],
    "data-centre power failure": [r"power"],
    "public S3 bucket": [r"bucket", r"public"],
    "failed AWS hardware": [r"(hardware|disk|storage device|server)", r"fail"],
    "unrotated RDS password": [r"\bRDS\b|database", r"password", r"rotat"],
    "EC2 hacked through open SSH": [r"SSH"],
    "publicly reachable RDS": [r"\bRDS\b", r"public"],
    "Lambda secrets in environment variables": [r"environment variable"],
    "static website on S3 and CloudFront": [r"CloudFront"],
    "compliance reports from AWS Artifact": [r"Artifact"],
    "IAM skipped inside a private subnet": [r"private subnet"],
    "WorkSpaces user access": [r"WorkSpaces"],
}


PUBLISHED = Q(questions__status=Question.Status.PUBLISHED)


@pytest.fixture
def bank(shipped_content):
    return list(
        Question.objects.published()
        .select_related("lesson")
        .prefetch_related("choices", "services", "layers")
    )


def test_size_and_mix(bank):
    kinds = Counter(q.kind for q in bank)
    assert len(bank) >= 300
    # Drill-format items stay for practice and review; timed exams draw the others.
    assert kinds["owner"] >= 100
    assert kinds["multiple"] >= 25
    difficulty = Counter(q.difficulty for q in bank)
    assert all(difficulty[level] >= 0.2 * len(bank) for level in (1, 2, 3)), difficulty


def test_every_service_and_layer_has_at_least_five_questions(shipped_content):
    per_service = dict(
        Service.objects.annotate(n=Count("questions", filter=PUBLISHED)).values_list("slug", "n")
    )
    assert all(per_service[slug] >= 5 for slug in CANONICAL_SERVICES), per_service
    per_layer = dict(
        Layer.objects.annotate(n=Count("questions", filter=PUBLISHED)).values_list("slug", "n")
    )
    assert len(per_layer) == 13 and min(per_layer.values()) >= 5, per_layer


def test_every_question_is_exam_shaped_and_fully_explained(bank):
    for question in bank:
        choices = list(question.choices.all())
        drafts = [ChoiceDraft(c.text, c.is_correct) for c in choices]
        assert question_problems(kind=question.kind, choose=question.choose, choices=drafts) == []
        assert question.explanation.strip(), question.ref
        assert question.lesson.published, question.ref
        assert question.layers.all(), f"{question.ref} has no layer"
        for choice in choices:
            if not choice.is_correct:
                assert choice.rationale.strip(), f"{question.ref}: wrong choice without rationale"
        if question.kind == "single":
            assert len(choices) == 4, question.ref
        if question.kind == "multiple":
            assert len(choices) >= 5, question.ref
            words = {2: "TWO", 3: "THREE", 4: "FOUR"}
            assert f"(Select {words[question.choose]}.)" in question.stem, question.ref


def test_the_exam_pool_fills_three_different_full_simulations(shipped_content):
    pool = Question.objects.published().exam_shaped()
    assert pool.count() >= 200
    shaped = Q(questions__in=pool.values("pk"))
    per_service = dict(
        Service.objects.annotate(n=Count("questions", filter=shaped)).values_list("slug", "n")
    )
    assert min(per_service.values()) >= 8, per_service
    per_layer = dict(
        Layer.objects.annotate(n=Count("questions", filter=shaped)).values_list("slug", "n")
    )
    assert min(per_layer.values()) >= 8, per_layer


def test_every_exam_shaped_item_has_the_real_exams_form(bank):
    for question in bank:
        if question.kind == "owner":
            continue
        choices = list(question.choices.all())
        keys = sum(choice.is_correct for choice in choices)
        if question.kind == "single":
            assert (len(choices), keys) == (4, 1), question.ref
        else:
            assert len(choices) >= 5 and keys >= 2 and keys == question.choose, question.ref
        assert question.sources, question.ref
        assert "all of the above" not in " ".join(c.text.lower() for c in choices), question.ref


def test_every_classic_scenario_is_asked(bank):
    missing = [
        name
        for name, patterns in CLASSIC_SCENARIOS.items()
        if not any(all(re.search(p, q.stem, re.I) for p in patterns) for q in bank)
    ]
    assert missing == []


def test_owner_keys_agree_with_the_matrix(bank):
    matrix = {
        (cell.service.slug, cell.layer.slug): cell.get_owner_display()
        for cell in Responsibility.objects.select_related("service", "layer")
    }
    checked = 0
    for question in bank:
        services, layers = list(question.services.all()), list(question.layers.all())
        if question.kind != "owner" or len(services) != 1 or len(layers) != 1:
            continue
        key = next(c.text for c in question.choices.all() if c.is_correct)
        assert key == matrix[(services[0].slug, layers[0].slug)], question.ref
        checked += 1
    assert checked >= 30


def test_stems_are_not_repeated(bank):
    stems = Counter(" ".join(q.stem.lower().split()) for q in bank)
    assert [stem for stem, n in stems.items() if n > 1] == []
