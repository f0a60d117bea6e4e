"""Authoring the question bank, and triaging learners' reports."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_update_with_history

from lessons.sources import SourceLinesField
from quizzes.bank.admin_import_export import (
    bank_urls,
    export_selected_csv,
    export_selected_csv_statistics,
    export_selected_json,
)
from quizzes.bank.corrections import correction_notify, correction_record, key_positions
from quizzes.bank.history import answer_keys
from quizzes.bank.import_export import UNEXPLAINED_KEY_CHANGE
from quizzes.bank.item_analysis import (
    MIN_ANSWERS_TO_JUDGE,
    TOO_EASY_ABOVE,
    TOO_HARD_BELOW,
    NullsLast,
    item_flags,
    item_statistics,
    questions_with_statistics,
)
from quizzes.bank.validation import ChoiceDraft, question_problems, source_problems
from quizzes.exams.pool import THIN_BELOW, exam_pool_coverage
from quizzes.models import (
    Choice,
    Correction,
    Question,
    QuestionReport,
)
from srm_site.shared.admin_tables import label_table_cells

KEY_MOVED_NEEDS_NOTE = (
    "You moved the answer key of a published question. Say in one line under “Correction "
    "note” what was wrong: learners who answered it will see it, and it is listed on the "
    "public corrections page."
)


class ChoiceFormSet(BaseInlineFormSet):
    """Numbers new choices and refuses to save a question whose choices break the bank's rules.

    Every new row used to default to position 1, so saving two fresh choices hit the
    one-choice-per-position constraint. The rows on the page now count on from the
    existing choices, and a row left blank (as "Add another" adds them) goes last.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        existing = self.get_queryset()
        shown = max(len(existing), self.min_num) + self.extra - len(existing)
        after = max((choice.position for choice in existing), default=0)
        self.initial_extra = [{"position": after + n} for n in range(1, shown + 1)]

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        position = form.fields["position"]
        position.required, position.initial = False, None
        position.help_text = "Order on the page. Leave blank to put the choice last."
        label_table_cells(form, "choice", index)

    def clean(self) -> None:
        self._number_blank_positions()
        super().clean()
        if any(self.errors):
            return
        drafts = [
            ChoiceDraft(text=form.cleaned_data["text"], is_correct=form.cleaned_data["is_correct"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = question_problems(
            kind=self.instance.kind, choose=self.instance.choose or 0, choices=drafts
        )
        if problems:
            raise ValidationError(problems)
        if self._key_moved_on_published() and not self.data.get("correction_note", "").strip():
            raise ValidationError(KEY_MOVED_NEEDS_NOTE)

    def _key_moved_on_published(self) -> bool:
        if not self.instance.pk:
            return False
        before = Question.objects.filter(pk=self.instance.pk, status=Question.Status.PUBLISHED)
        old_key = key_positions(before)
        if not old_key:
            return False
        new_key = frozenset(
            form.cleaned_data["position"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("is_correct")
        )
        return new_key != next(iter(old_key.values()))

    def _number_blank_positions(self) -> None:
        """Give each kept row without a position the next one after all the others."""
        kept = [
            form
            for form in self.forms
            if form.is_valid() and form.cleaned_data and not self._should_delete_form(form)
        ]
        last = max((form.cleaned_data.get("position") or 0 for form in kept), default=0)
        for form in kept:
            if form.cleaned_data.get("position") is None:
                last += 1
                form.cleaned_data["position"] = form.instance.position = last


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ["position", "text", "is_correct", "rationale"]
    extra = 0
    min_num = 2
    ordering = ["position"]
    # The admin's 48em-wide textarea pushed the choices table past a 1280 px window.
    formfield_overrides = {TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 36})}}


class ReportFormSet(BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        label_table_cells(form, "report", index)


class ReportInline(admin.TabularInline):
    model = QuestionReport
    formset = ReportFormSet
    fields = ["reason", "note", "user", "created_at", "resolved_at"]
    readonly_fields = ["reason", "note", "user", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class UnpickedDistractorFilter(admin.SimpleListFilter):
    """Exam-style items with a wrong choice nobody picks: a distractor to rewrite."""

    title = "item quality"
    parameter_name = "quality"

    def lookups(self, request, model_admin):
        return [
            (
                "unpicked",
                f"Exam-style, a distractor never chosen ({MIN_ANSWERS_TO_JUDGE}+ answers)",
            )
        ]

    def queryset(self, request, queryset):
        if self.value() == "unpicked":
            return queryset.filter(
                pk__in=Question.objects.exam_shaped().values("pk"),
                answered__gte=MIN_ANSWERS_TO_JUDGE,
                min_distractor_picks=0,
            )
        return queryset


class OpenReportsFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reports"

    def lookups(self, request, model_admin):
        return [("open", "Has open reports")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_reports__gt=0)
        return queryset


class QuestionAdminForm(forms.ModelForm):
    sources = SourceLinesField()
    correction_note = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text="Only when fixing a mistake: one line for learners on what was wrong. It is "
        "listed on the public corrections page; if the answer key moved, learners who answered "
        "the question are told and see it again in review.",
    )

    class Meta:
        model = Question
        # The admin's fieldsets decide what is on the page; these are the model's own.
        fields = ["ref", "status", "kind", "choose", "difficulty", "stem", "explanation"]
        fields += ["sources", "lesson", "services", "layers"]
        # Ticked boxes, not the two-list selector: about a dozen of each, all visible at
        # once, and its search icons carry ARIA that axe reports as serious.
        widgets = dict.fromkeys(["services", "layers"], forms.CheckboxSelectMultiple)

    def clean(self) -> dict:
        cleaned = super().clean()
        if "sources" in cleaned and "status" in cleaned:
            for problem in source_problems(status=cleaned["status"], sources=cleaned["sources"]):
                self.add_error("sources", problem)
        return cleaned


# A column of the History page (its heading is this text).
KEY_COLUMN = "answer key at this version"

# Rendered without the request: no context processors, so no queries per row.
FLAGS_TEMPLATE = "admin/quizzes/question/_flags.html"
STATISTICS_TEMPLATE = "admin/quizzes/question/_statistics.html"
PREVIEW_LINK_TEMPLATE = "admin/quizzes/question/_preview_link.html"


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    form = QuestionAdminForm
    # Kind, difficulty and lesson are filters: the list keeps room for the statistics.
    list_display = [
        "ref",
        "short_stem",
        "status",
        "answered",
        "facility",
        "discrimination",
        "flags",
        "open_reports",
    ]
    list_filter = [
        "status",
        "kind",
        "difficulty",
        OpenReportsFilter,
        UnpickedDistractorFilter,
        "services",
        "layers",
        "lesson",
    ]
    list_select_related = ["lesson"]
    search_fields = ["ref", "stem", "explanation", "choices__text"]
    inlines = [ChoiceInline, ReportInline]
    actions = [
        "publish",
        "unpublish",
        export_selected_json,
        export_selected_csv,
        export_selected_csv_statistics,
    ]
    object_history_list_template = "admin/quizzes/question/object_history_list.html"
    readonly_fields = ["created_at", "updated_at", "preview_link", "statistics"]
    history_list_display = [KEY_COLUMN]
    fieldsets = [
        (None, {"fields": ["ref", "status", "preview_link", "kind", "choose", "difficulty"]}),
        ("Question", {"fields": ["stem", "explanation", "sources"]}),
        ("Where it belongs", {"fields": ["lesson", "services", "layers"]}),
        ("Statistics", {"fields": ["statistics"]}),
        ("Correction", {"fields": ["correction_note"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_related(self, request, form, formsets, change) -> None:
        """Save the choices; a moved key or a correction note becomes a listed correction."""
        question = form.instance
        before = key_positions(Question.objects.filter(pk=question.pk)) if change else {}
        super().save_related(request, form, formsets, change)
        moved = bool(before) and key_positions(Question.objects.filter(pk=question.pk)) != before
        note = form.cleaned_data.get("correction_note", "").strip()
        if note or moved:
            correction_record(
                summary=note or UNEXPLAINED_KEY_CHANGE, question=question, key_changed=moved
            )
            self.message_user(
                request,
                "The correction is listed publicly"
                + (" and learners who answered this question were told." if moved else "."),
                messages.INFO,
            )

    def changelist_view(self, request, extra_context=None):
        # The list needs the page's width for a readable stem beside the statistics,
        # flags and reports at 1280 px; the breadcrumbs still lead back to the index.
        return super().changelist_view(
            request, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        )

    def get_urls(self):
        # Import, export and coverage go first: the changelist's "<object_id>/"
        # pattern would otherwise catch them.
        coverage = path(
            "coverage/",
            self.admin_site.admin_view(self.coverage_view),
            name="quizzes_question_coverage",
        )
        return [coverage, *bank_urls(self), *super().get_urls()]

    def coverage_view(self, request) -> TemplateResponse:
        """How many exam-style questions each service and layer has: where the bank is thin."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Exam-style questions per service and layer",
            "coverage": exam_pool_coverage(),
            "thin_below": THIN_BELOW,
        }
        return TemplateResponse(request, "admin/quizzes/question/coverage.html", context)

    def get_queryset(self, request) -> QuerySet[Question]:
        # A subquery, not a join: a GROUP BY would make the database compute the
        # statistics for every question before taking one page.
        reports = (
            QuestionReport.objects.filter(question=OuterRef("pk"), resolved_at__isnull=True)
            .order_by()
            .values("question")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return questions_with_statistics(
            super().get_queryset(request).annotate(open_reports=Coalesce(Subquery(reports), 0))
        )

    @admin.display(description="question")
    def short_stem(self, question: Question) -> str:
        return question.stem if len(question.stem) <= 140 else question.stem[:138] + "…"

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports(self, question: Question) -> int:
        return question.open_reports

    # Item statistics (quizzes.bank.item_analysis): sortable, empty values last either way.
    @admin.display(description="answered", ordering="answered")
    def answered(self, question: Question) -> int:
        return question.answered

    @admin.display(description="facility", ordering=NullsLast("facility"))
    def facility(self, question: Question) -> str:
        return _two_places(question.facility)

    @admin.display(description="discrimination", ordering=NullsLast("discrimination"))
    def discrimination(self, question: Question) -> str:
        return _two_places(question.discrimination)

    @admin.display(description="flags")
    def flags(self, question: Question) -> str:
        warnings = item_flags(
            answered=question.answered,
            facility=question.facility,
            discrimination=question.discrimination,
            min_distractor_picks=question.min_distractor_picks,
        )
        return render_to_string(FLAGS_TEMPLATE, {"flags": warnings, "none": "—"})

    @admin.display(description="statistics")
    def statistics(self, question: Question) -> str:
        if not question.pk:
            return "Statistics appear once learners answer the question."
        stats = item_statistics(question)
        choices = [
            {
                "text": row.choice.text,
                "is_key": row.choice.is_correct,
                "picks": row.picks,
                "share": "—" if row.share is None else f"{row.share:.0%}",
            }
            for row in stats.choices
        ]
        context = {
            "answered": stats.answered,
            "facility": _two_places(stats.facility),
            "discrimination": _two_places(stats.discrimination),
            "too_hard_below": TOO_HARD_BELOW,
            "too_easy_above": TOO_EASY_ABOVE,
            "min_answers": MIN_ANSWERS_TO_JUDGE,
            "choices": choices,
            "flags": stats.flags,
        }
        return render_to_string(STATISTICS_TEMPLATE, context)

    @admin.display(description="preview")
    def preview_link(self, question: Question) -> str:
        if not question.pk:
            return "Save the question to preview it."
        return render_to_string(PREVIEW_LINK_TEMPLATE, {"url": question.get_absolute_url()})

    def set_history_delta_changes(self, request, historical_records, **kwargs) -> None:
        """Each version's changes, and its answer key (choices keep their own history)."""
        super().set_history_delta_changes(request, historical_records, **kwargs)
        records = list(historical_records)
        if not records:
            return
        dates = Question.history.filter(id=records[0].id).values_list("history_date", flat=True)
        keys = answer_keys(records[0].id, list(dates))
        for record in records:
            setattr(record, KEY_COLUMN, "; ".join(keys.get(record.history_date, [])) or "—")

    @admin.action(description="Publish selected questions", permissions=["change"])
    def publish(self, request, queryset: QuerySet[Question]) -> None:
        ready, broken = [], []
        for question in queryset.prefetch_related("choices"):
            drafts = [ChoiceDraft(c.text, c.is_correct) for c in question.choices.all()]
            problems = question_problems(
                kind=question.kind, choose=question.choose, choices=drafts
            ) + source_problems(status=Question.Status.PUBLISHED, sources=question.sources)
            (broken if problems else ready).append(question)
        published = _status_set(request, ready, Question.Status.PUBLISHED, "Published")
        self.message_user(request, f"Published {published} question(s).", messages.SUCCESS)
        if broken:
            self.message_user(
                request,
                f"{len(broken)} question(s) were left as drafts because their choices "
                "break the rules or they name no AWS source; open them to see what to fix.",
                messages.WARNING,
            )

    @admin.action(description="Unpublish selected questions", permissions=["change"])
    def unpublish(self, request, queryset: QuerySet[Question]) -> None:
        count = _status_set(request, list(queryset), Question.Status.DRAFT, "Unpublished")
        self.message_user(request, f"Moved {count} question(s) back to draft.", messages.SUCCESS)


def _status_set(request, questions: list[Question], status: str, reason: str) -> int:
    """Publish or unpublish from the list, with an entry in each question's history."""
    now = timezone.now()
    for question in questions:
        question.status, question.updated_at = status, now
    return bulk_update_with_history(
        questions,
        Question,
        ["status", "updated_at"],
        default_user=request.user,
        default_change_reason=f"{reason} from the question list",
    )


def _two_places(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


class ReportStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(QuestionReport)
class QuestionReportAdmin(admin.ModelAdmin):
    list_display = ["question", "reason", "note", "user", "created_at", "is_open"]
    list_filter = [ReportStatusFilter, "reason"]
    list_select_related = ["question", "user"]
    search_fields = ["question__ref", "question__stem", "note"]
    readonly_fields = ["question", "user", "reason", "note", "created_at"]
    actions = ["resolve"]

    @admin.display(boolean=True, description="open")
    def is_open(self, report: QuestionReport) -> bool:
        return report.is_open

    @admin.action(description="Mark selected reports resolved", permissions=["change"])
    def resolve(self, request, queryset: QuerySet[QuestionReport]) -> None:
        count = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(request, f"Resolved {count} report(s).", messages.SUCCESS)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """The public list of corrections. A new one that moves a key tells who answered."""

    list_display = ["corrected_on", "target", "summary", "key_changed"]
    list_filter = ["key_changed", "corrected_on"]
    list_select_related = ["question", "cell__service", "cell__layer", "lesson"]
    search_fields = ["slug", "question_ref", "summary"]
    autocomplete_fields = ["question"]
    raw_id_fields = ["cell"]
    readonly_fields = ["question_ref", "recorded_at"]
    prepopulated_fields = {"slug": ["summary"]}

    @admin.display(description="what")
    def target(self, correction: Correction) -> str:
        return correction.target_label

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # Learners were told (or not) when it was recorded; what it corrected stays put.
        fixed = ["question", "cell", "lesson", "key_changed"] if obj else []
        return [*self.readonly_fields, *fixed]

    def save_model(self, request, obj: Correction, form, change) -> None:
        if obj.question:
            obj.question_ref = obj.question.ref
        obj.key_changed = obj.key_changed and obj.question is not None
        super().save_model(request, obj, form, change)
        if not change and obj.key_changed:
            told = correction_notify(obj)
            self.message_user(request, f"{told} learner(s) who answered it were told.")
