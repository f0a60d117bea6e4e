"""A learner's own settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from srm_site.shared.time_zones import validate_time_zone


class LearnerProfile(models.Model):
    """Per-learner settings: the extra exam time they are allowed (WCAG 2.2.1), and the
    time zone their day is in (where "Reviews due today" ends)."""

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
    # An IANA name ("Asia/Tokyo"), or empty: not chosen (the browser's zone or UTC,
    # srm_site.shared.time_zones.learner_zone). Checked, not `choices`: the list is
    # the zone database's, which changes with it.
    time_zone = models.CharField(
        "time zone", max_length=64, blank=True, default="", validators=[validate_time_zone]
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.get_time_multiplier_display()}"
