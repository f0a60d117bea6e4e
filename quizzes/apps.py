from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Questions and practice"

    def ready(self) -> None:
        from quizzes.bank.permissions import grant_instructor_permissions

        post_migrate.connect(
            grant_instructor_permissions,
            sender=self,
            dispatch_uid="quizzes.grant_instructor_permissions",
        )
