"""Load the shipped content from fixtures/: layers, services, matrix, controls, lessons, questions.

Safe to run any number of times: rows are matched by slug and updated in place.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lessons.models import Control, Layer, Lesson, Responsibility, Service
from quizzes.content import ContentError, content_load
from quizzes.models import Question


class Command(BaseCommand):
    help = "Load or refresh the shipped SRM Academy content (idempotent)."

    def handle(self, *args, **options) -> None:
        try:
            content_load(verbosity=max(options["verbosity"] - 1, 0))
        except ContentError as error:
            raise CommandError(f"Nothing was loaded.\n{error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Content loaded: {Layer.objects.count()} layers, "
                f"{Service.objects.count()} services, "
                f"{Responsibility.objects.count()} matrix cells, "
                f"{Control.objects.count()} controls, "
                f"{Lesson.objects.count()} lessons, "
                f"{Question.objects.count()} questions."
            )
        )
