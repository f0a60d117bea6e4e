"""Write the question bank to a JSON file (format documented in quizzes/bank/import_export.py)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from quizzes.bank.import_export import bank_export
from quizzes.models import Question


class Command(BaseCommand):
    help = "Export questions and their choices to FILE.json."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--published-only", action="store_true", help="Leave drafts out of the file."
        )

    def handle(self, *args, file: str, published_only: bool, **options) -> None:
        questions = Question.objects.published() if published_only else Question.objects.all()
        data = bank_export(questions)
        with open(file, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        self.stdout.write(
            self.style.SUCCESS(f"Exported {len(data['questions'])} question(s) to {file}.")
        )
