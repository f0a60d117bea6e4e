"""Finalise every exam attempt whose time ran out (run from cron, e.g. every minute).

Attempts are also finalised the next time anyone opens them; this catches the
ones nobody opens again, so history and statistics are complete.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from quizzes.exams.attempts import attempts_finalize_expired


class Command(BaseCommand):
    help = "Grade and close exam attempts whose deadline (plus grace) has passed."

    def handle(self, *args, **options) -> None:
        count = attempts_finalize_expired()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Finalised {count} expired attempt(s)."))
