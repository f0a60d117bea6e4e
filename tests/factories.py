"""factory-boy factories for every model the tests build."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from lessons.models import Control, Layer, Lesson, Owner, Responsibility, Service
from quizzes.models import Choice, ExamBlueprint, Question


class LayerFactory(DjangoModelFactory):
    class Meta:
        model = Layer

    slug = factory.Sequence(lambda n: f"layer-{n}")
    name = factory.Sequence(lambda n: f"Layer {n}")
    position = factory.Sequence(lambda n: n + 1)
    description = factory.Faker("sentence")


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    short_name = factory.Sequence(lambda n: f"S{n}")
    category = Service.Category.COMPUTE
    abstraction = Service.Abstraction.IAAS
    position = factory.Sequence(lambda n: n)
    summary = factory.Faker("sentence")


class ResponsibilityFactory(DjangoModelFactory):
    class Meta:
        model = Responsibility

    service = factory.SubFactory(ServiceFactory)
    layer = factory.SubFactory(LayerFactory)
    owner = Owner.AWS
    aws_part = factory.Faker("sentence")
    customer_part = factory.Faker("sentence")


class ControlFactory(DjangoModelFactory):
    class Meta:
        model = Control

    slug = factory.Sequence(lambda n: f"control-{n}")
    name = factory.Sequence(lambda n: f"Control {n}")
    kind = Control.Kind.SHARED
    aws_part = factory.Faker("sentence")
    customer_part = factory.Faker("sentence")


def build_matrix(*, services: int, layers: int) -> tuple[list[Service], list[Layer]]:
    """A complete grid: every service has one row per layer, owners rotating."""
    layer_rows = LayerFactory.create_batch(layers)
    service_rows = ServiceFactory.create_batch(services)
    owners = Owner.values
    Responsibility.objects.bulk_create(
        Responsibility(
            service=service,
            layer=layer,
            owner=owners[(i + j) % len(owners)],
            aws_part=f"AWS part {i}-{j}",
            customer_part=f"Customer part {i}-{j}",
        )
        for i, service in enumerate(service_rows)
        for j, layer in enumerate(layer_rows)
    )
    return service_rows, layer_rows


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "auth.User"

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


class LessonFactory(DjangoModelFactory):
    class Meta:
        model = Lesson

    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    summary = factory.Faker("sentence")
    position = factory.Sequence(lambda n: n + 1)
    prompt = "Who patches the guest operating system?"
    prompt_answer = "The customer does."
    body = "## Heading\n\nSome words.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    takeaways = "First point\nSecond point\nThird point"
    further_reading = (
        "[Shared model](https://aws.amazon.com/compliance/shared-responsibility-model/)"
    )
    published = True


class QuestionFactory(DjangoModelFactory):
    """A published single-answer question with four choices, the first correct."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    ref = factory.Sequence(lambda n: f"t-{n:04d}")
    stem = factory.Faker("sentence")
    kind = Question.Kind.SINGLE
    choose = 1
    explanation = "Because of the layer it sits on."
    sources = factory.LazyFunction(
        lambda: [
            {
                "url": "https://aws.amazon.com/compliance/shared-responsibility-model/",
                "title": "Shared Responsibility Model",
            }
        ]
    )
    difficulty = 2
    lesson = factory.SubFactory(LessonFactory)
    status = Question.Status.PUBLISHED

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if not create:
            return
        specs = extracted or [
            ("The customer", True),
            ("AWS", False),
            ("Both", False),
            ("Neither", False),
        ]
        Choice.objects.bulk_create(
            Choice(
                question=self,
                position=i,
                text=text,
                is_correct=correct,
                rationale=f"Rationale for {text}",
            )
            for i, (text, correct) in enumerate(specs, start=1)
        )


def owner_question(**kwargs) -> Question:
    return QuestionFactory(
        kind=Question.Kind.OWNER,
        choices=[("AWS", False), ("Customer", True), ("Shared", False)],
        **kwargs,
    )


def multiple_question(**kwargs) -> Question:
    return QuestionFactory(
        kind=Question.Kind.MULTIPLE,
        choose=2,
        choices=[("A", True), ("B", True), ("C", False), ("D", False), ("E", False)],
        **kwargs,
    )


class BlueprintFactory(DjangoModelFactory):
    class Meta:
        model = ExamBlueprint

    slug = factory.Sequence(lambda n: f"exam-{n}")
    title = factory.Sequence(lambda n: f"Exam {n}")
    question_count = 10
    minutes = 15
    shuffle_choices = False


def build_bank(count: int) -> list[Question]:
    """`count` published questions spread over five services and five layers."""
    services = [ServiceFactory() for _ in range(5)]
    layers = [LayerFactory() for _ in range(5)]
    lesson = LessonFactory()
    questions = []
    for i in range(count):
        question = QuestionFactory(lesson=lesson)
        question.services.add(services[i % 5])
        question.layers.add(layers[(i // 5) % 5])
        questions.append(question)
    return questions
