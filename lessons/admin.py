"""Authoring the subject: layers, services, matrix cells and controls."""

from __future__ import annotations

from django.contrib import admin

from lessons.models import Control, Layer, Responsibility, Service


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fields = ["layer", "owner", "aws_part", "customer_part"]
    ordering = ["layer__position"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("layer")

    def get_max_num(self, request, obj=None, **kwargs) -> int:
        return Layer.objects.count()


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "slug"]
    list_display_links = ["name"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug", "category", "abstraction", "position"]
    list_editable = ["position"]
    list_filter = ["category", "abstraction"]
    search_fields = ["name", "short_name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ResponsibilityInline]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["service", "layer", "owner"]
    list_editable = ["owner"]
    list_filter = ["owner", "service", "layer"]
    list_select_related = ["service", "layer"]
    search_fields = ["service__name", "layer__name", "aws_part", "customer_part"]
    ordering = ["service__position", "layer__position"]
    list_per_page = 150


@admin.register(Control)
class ControlAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "position"]
    list_editable = ["kind", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aws_part", "customer_part"]
    prepopulated_fields = {"slug": ["name"]}
