"""Review cards in the admin: read-only, with the leeches a lesson may need to fix."""

from __future__ import annotations

from django.contrib import admin

from quizzes.models import ReviewCard


class LeechFilter(admin.SimpleListFilter):
    title = "leech"
    parameter_name = "leech"

    def lookups(self, request, model_admin):
        return [("yes", f"Missed {ReviewCard.LEECH_LAPSES}+ times")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(lapses__gte=ReviewCard.LEECH_LAPSES)
        return queryset


@admin.register(ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
    """Read-only: a learner's schedule changes only when they answer.

    Questions that many learners keep missing (leeches) point to a stem or a
    lesson that needs work.
    """

    list_display = ["question", "user", "state", "due", "reviews", "lapses"]
    list_filter = [LeechFilter, "state"]
    list_select_related = ["question", "user"]
    search_fields = ["user__username", "question__ref"]
    ordering = ["-lapses", "due"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
