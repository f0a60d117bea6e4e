"""A learner's own settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LearnerProfile(models.Model):
    """Per-learner settings; today, the extra exam time they are allowed (WCAG 2.2.1)."""

    class ExtraTime(models.TextChoices):
        NONE = "1.0", "Standard time"
        HALF = "1.5", "Time and a half (×1.5)"
        DOUBLE = "2.0", "Double time (×2)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    time_multiplier = models.CharField(
        "exam time", max_length=3, choices=ExtraTime.choices, default=ExtraTime.NONE
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.get_time_multiplier_display()}"
