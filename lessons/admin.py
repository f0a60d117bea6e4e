"""Authoring the subject: layers, services, matrix cells and controls."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from lessons.models import Control, Layer, Lesson, LessonProgress, Responsibility, Service

# Sources are AWS pages, always https (also Django 6's default).
HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    formfield_overrides = HTTPS_LINKS
    fields = ["layer", "owner", "aws_part", "customer_part", "source_url", "source_title"]
    ordering = ["layer__position"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("layer")

    def get_max_num(self, request, obj=None, **kwargs) -> int:
        return Layer.objects.count()


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "slug", "lesson"]
    list_display_links = ["name"]
    list_select_related = ["lesson"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug", "category", "abstraction", "lesson", "position"]
    list_editable = ["position"]
    list_select_related = ["lesson"]
    list_filter = ["category", "abstraction"]
    search_fields = ["name", "short_name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ResponsibilityInline]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ["service", "layer", "owner", "has_source"]
    list_editable = ["owner"]
    list_filter = ["owner", "service", "layer"]
    list_select_related = ["service", "layer"]
    search_fields = ["service__name", "layer__name", "aws_part", "customer_part"]
    ordering = ["service__position", "layer__position"]
    list_per_page = 150

    @admin.display(boolean=True, description="source")
    def has_source(self, cell: Responsibility) -> bool:
        return bool(cell.source_url)


@admin.register(Control)
class ControlAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "position"]
    list_editable = ["kind", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aws_part", "customer_part"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["position", "title", "published", "reading_time", "updated_at"]
    list_display_links = ["title"]
    list_editable = ["published"]
    list_filter = ["published", "services"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["prerequisites", "services"]
    ordering = ["position"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "position", "published", "exam_ref", "updated_at"]}),
        ("Teaching", {"fields": ["summary", "prompt", "prompt_answer", "body", "takeaways"]}),
        ("Links", {"fields": ["prerequisites", "services", "further_reading"]}),
    ]

    @admin.display(description="reading time")
    def reading_time(self, lesson: Lesson) -> str:
        return f"{lesson.reading_minutes} min"


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "completed_at"]
    list_filter = ["lesson"]
    list_select_related = ["user", "lesson"]
    search_fields = ["user__username", "lesson__title"]
    raw_id_fields = ["user"]
    date_hierarchy = "completed_at"
