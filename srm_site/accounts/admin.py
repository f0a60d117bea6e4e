"""Learners' settings in the admin."""

from __future__ import annotations

from django.contrib import admin

from quizzes.models import LearnerProfile


@admin.register(LearnerProfile)
class LearnerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_multiplier", "time_zone"]
    list_filter = ["time_multiplier"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
