"""Exams in the admin: blueprints with their weights (a share of an exam reserved for a
service or a layer), and attempts, read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string

from quizzes.exams.attempts import attempts_lock
from quizzes.exams.pool import blueprint_pool
from quizzes.exams.weights import weights_summary, with_weights
from quizzes.models import Attempt, AttemptItem, BlueprintWeight, ExamBlueprint
from srm_site.shared.admin_tables import label_table_cells

BOTH = "Choose a service or a layer, not both: each weight reserves questions for one area."
NEITHER = "Choose the service or the layer this share of the exam is for."
POOL_TEMPLATE = "admin/quizzes/examblueprint/_pool.html"


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
    """Refuses weights that reserve more than the whole exam, and a published blueprint
    that the bank's exam-style questions cannot fill."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        label_table_cells(form, "weight", index)

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]
        total = sum(form.cleaned_data.get("percent") or 0 for form in kept)
        if total > 100:
            raise ValidationError(
                f"These weights add up to {total} %; together they can reserve at most "
                "100 % of the exam's questions. Lower some of them.",
                code="over_100",
            )
        # The blueprint form has been applied to `instance`: its count and "published"
        # are the ones being saved.
        if self.instance.published:
            pool = blueprint_pool(
                question_count=self.instance.question_count or 0,
                weights=[form.instance for form in kept],
            )
            if problems := pool.problems():
                raise ValidationError(
                    [*problems, "Publish more exam-style questions, or save it unpublished."],
                    code="pool_too_small",
                )


class BlueprintWeightInline(admin.TabularInline):
    model = BlueprintWeight
    form = BlueprintWeightForm
    formset = BlueprintWeightFormSet
    fields = ["service", "layer", "percent"]
    # Plain menus (a dozen of each): the autocomplete boxes have no accessible name.
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


class BlueprintListForm(forms.ModelForm):
    """The changelist's row form: ticking "published" checks the pool like the full form."""

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("published") and self.instance.pk:
            weights = list(self.instance.weights.select_related("service", "layer"))
            pool = blueprint_pool(question_count=self.instance.question_count, weights=weights)
            for problem in pool.problems():
                self.add_error("published", problem)
        return cleaned


@admin.display(description="exam-style pool")
def pool_table(blueprint: ExamBlueprint) -> str:
    """How many exam-style questions the blueprint and each of its shares can draw on."""
    weights = list(blueprint.weights.select_related("service", "layer")) if blueprint.pk else []
    pool = blueprint_pool(question_count=blueprint.question_count or 0, weights=weights)
    return render_to_string(POOL_TEMPLATE, {"pool": pool, "problems": pool.problems()})


@admin.register(ExamBlueprint)
class ExamBlueprintAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "slug",
        "question_count",
        "unscored_count",
        "minutes",
        "pass_score",
        "shuffle_choices",
        "published",
        weights_column,
    ]
    list_editable = ["published"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "slug"]
    inlines = [BlueprintWeightInline]
    readonly_fields = [pool_table]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=BlueprintListForm, **kwargs)

    def get_queryset(self, request) -> QuerySet[ExamBlueprint]:
        return with_weights(super().get_queryset(request))


class AttemptItemInline(admin.TabularInline):
    model = AttemptItem
    fields = [
        "position",
        "question_seen",
        "selected",
        "flagged",
        "scored",
        "correct",
        "answered_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["position"]

    @admin.display(description="question")
    def question_seen(self, item: AttemptItem) -> str:
        """The question as the learner saw it; still named once it has been deleted."""
        ref = item.snapshot.get("ref", "?")
        return str(item.question) if item.question else f"{ref} (deleted since)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Read-only: attempts are the learner's record and change only through the exam."""

    list_display = ["user", "blueprint", "state", "scaled_score", "passed", "started_at"]
    list_filter = ["state", "blueprint", "passed"]
    list_select_related = ["user", "blueprint"]
    search_fields = ["user__username"]
    date_hierarchy = "started_at"
    inlines = [AttemptItemInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    # A deletion locks the attempts before the cascade deletes their items (see
    # attempts_lock): a save under way would otherwise deadlock with it.
    def delete_model(self, request, obj: Attempt) -> None:
        with transaction.atomic():
            attempts_lock(Attempt.objects.filter(pk=obj.pk))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset: QuerySet[Attempt]) -> None:
        with transaction.atomic():
            attempts_lock(queryset)
            super().delete_queryset(request, queryset)
