"""The blueprint admin's weights: reserve a share of an exam for a service or a layer."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet

from quizzes.models import BlueprintWeight, ExamBlueprint
from quizzes.weights import weights_summary

BOTH = "Choose a service or a layer, not both: each weight reserves questions for one area."
NEITHER = "Choose the service or the layer this share of the exam is for."


class BlueprintWeightForm(forms.ModelForm):
    class Meta:
        model = BlueprintWeight
        fields = ["service", "layer", "percent"]

    def clean(self) -> dict:
        cleaned = super().clean()
        service, layer = cleaned.get("service"), cleaned.get("layer")
        # Attached to a field, so the database constraint's vaguer message isn't added too.
        if service and layer:
            self.add_error("layer", BOTH)
        elif not service and not layer and "service" not in self.errors:
            self.add_error("service", NEITHER)
        return cleaned


class BlueprintWeightFormSet(BaseInlineFormSet):
    """Refuses weights that reserve more than the whole exam."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        total = sum(
            form.cleaned_data.get("percent") or 0
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        )
        if total > 100:
            raise ValidationError(
                f"These weights add up to {total} %; together they can reserve at most "
                "100 % of the exam's questions. Lower some of them.",
                code="over_100",
            )


class BlueprintWeightInline(admin.TabularInline):
    model = BlueprintWeight
    form = BlueprintWeightForm
    formset = BlueprintWeightFormSet
    fields = ["service", "layer", "percent"]
    autocomplete_fields = ["service", "layer"]
    extra = 0
    verbose_name = "weight"
    verbose_name_plural = (
        "Weights: shares of the exam reserved for a service or a layer "
        "(the rest is spread across the whole bank)"
    )

    def get_queryset(self, request) -> QuerySet[BlueprintWeight]:
        return super().get_queryset(request).select_related("service", "layer")


@admin.display(description="weights")
def weights_column(blueprint: ExamBlueprint) -> str:
    """ "EC2 30 %, IAM 20 %", or a dash."""
    return weights_summary(blueprint.weights.all(), percent_first=False) or "—"
