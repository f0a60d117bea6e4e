"""Read questions from a JSON file (format documented in quizzes/bank/import_export.py).

The whole file is checked first; if anything is wrong, nothing is imported and
every problem is listed with the question's position and ref.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes.bank.import_export import BankImportError, bank_import


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Import (create or update by ref) questions from FILE.json, all or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; change nothing."
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise CommandError(f"Can't read {file}: {error.strerror}.") from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{file} is not valid JSON (line {error.lineno}, column {error.colno}: "
                f"{error.msg}). Nothing was imported."
            ) from None
        try:
            with transaction.atomic():
                source = f"{Path(file).name} (import_questions command)"
                result = bank_import(data=data, source=source)
                if dry_run:
                    raise DryRun
        except BankImportError as error:
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{error}. Nothing was imported.") from None
        except DryRun:
            self.stdout.write(self.style.SUCCESS("The file is valid. Dry run: nothing changed."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created + result.updated} question(s): "
                f"{result.created} new, {result.updated} updated."
            )
        )
