from __future__ import annotations

from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons and responsibility matrix"

    def ready(self) -> None:
        from lessons import signals  # noqa: F401  (connects the receivers)
