"""Django looks for an app's admin here: each capability registers its own models."""

from __future__ import annotations

from quizzes.bank import admin as bank_admin
from quizzes.exams import admin as exams_admin
from quizzes.review import admin as review_admin

__all__ = ["bank_admin", "exams_admin", "review_admin"]
