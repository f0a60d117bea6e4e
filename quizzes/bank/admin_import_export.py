"""Import and export the question bank from the question changelist.

Export downloads the bank (or the selected questions) as JSON or CSV, the CSV
optionally with each question's item statistics. Import
takes a file, previews it by running the real ``bank_import`` inside a
transaction that is rolled back, shows what it would change field by field,
and only writes when the instructor confirms.
Between the two steps the file's text travels in a signed hidden field, so what
is confirmed is exactly what was previewed.
"""

from __future__ import annotations

import json
from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from quizzes.bank.csv_format import bank_from_csv, bank_to_csv
from quizzes.bank.import_export import BankImportError, ImportResult, bank_export, bank_import
from quizzes.bank.item_analysis import statistics_by_ref

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# The salt predates the module's move; kept so a preview signed before it still confirms.
PAYLOAD_SALT = "quizzes.admin_bank.import"
PAYLOAD_MAX_AGE = 60 * 60  # seconds between preview and confirm
FORMATS = ("json", "csv")
TEMPLATES = "admin/quizzes/question/"


# Export ------------------------------------------------------------------


def export_response(data: dict, fmt: str, statistics: dict | None = None) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if statistics is not None:
        stamp += "-with-statistics"
    if fmt == "csv":
        # The BOM lets spreadsheet programs recognise UTF-8 (stems use curly quotes).
        body = bank_to_csv(data, statistics).encode("utf-8-sig")
        content_type = "text/csv; charset=utf-8"
    else:
        body = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
        content_type = "application/json; charset=utf-8"
    return HttpResponse(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="questions-{stamp}.{fmt}"'},
    )


@admin.action(description="Export selected as JSON", permissions=["view"])
def export_selected_json(model_admin, request, queryset) -> HttpResponse:
    return export_response(bank_export(queryset.model.objects.filter(pk__in=queryset)), "json")


@admin.action(description="Export selected as CSV", permissions=["view"])
def export_selected_csv(model_admin, request, queryset) -> HttpResponse:
    return export_response(bank_export(queryset.model.objects.filter(pk__in=queryset)), "csv")


@admin.action(description="Export selected as CSV with item statistics", permissions=["view"])
def export_selected_csv_statistics(model_admin, request, queryset) -> HttpResponse:
    questions = queryset.model.objects.filter(pk__in=queryset)
    return export_response(bank_export(questions), "csv", statistics_by_ref(questions))


# Import ------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="A .json file in the bank's format or a .csv with one row per question; "
        "at most 2 MB."
    )
    format = forms.ChoiceField(
        choices=[("auto", "From the file name"), ("json", "JSON"), ("csv", "CSV")],
        initial="auto",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 2 MB. "
                "Split the bank into smaller files."
            )
        return upload


def detect_format(name: str, chosen: str, content: bytes) -> str:
    if chosen in FORMATS:
        return chosen
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    return "json" if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def parse(content: bytes, fmt: str) -> dict:
    """The file as the bank's dict; BankImportError when it can't be read at all."""
    if fmt == "csv":
        return bank_from_csv(content)
    try:
        return json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise BankImportError(
            [f"The file is not UTF-8 text (undecodable byte at position {error.start})."]
        ) from None
    except json.JSONDecodeError as error:
        raise BankImportError(
            [
                f"The file is not valid JSON (line {error.lineno}, "
                f"column {error.colno}: {error.msg})."
            ]
        ) from None


def preview(data: dict, **who) -> ImportResult:
    """What ``bank_import`` would do, with everything it wrote rolled back."""
    with transaction.atomic():
        result = bank_import(data=data, **who)
        transaction.set_rollback(True)
    return result


class BankViews:
    """The import page and the export downloads of one ModelAdmin (QuestionAdmin)."""

    def __init__(self, model_admin: admin.ModelAdmin) -> None:
        self.model_admin = model_admin
        self.opts = model_admin.model._meta

    def urls(self) -> list:
        wrap = self.model_admin.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", wrap(self.import_view), name=f"{name}_import"),
            path(
                "export.json", wrap(self.export_view), {"fmt": "json"}, name=f"{name}_export_json"
            ),
            path("export.csv", wrap(self.export_view), {"fmt": "csv"}, name=f"{name}_export_csv"),
            path(
                "export-with-statistics.csv",
                wrap(self.export_view),
                {"fmt": "csv", "statistics": True},
                name=f"{name}_export_csv_statistics",
            ),
        ]

    def export_view(
        self, request: HttpRequest, fmt: str, statistics: bool = False
    ) -> HttpResponse:
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        questions = self.model_admin.model.objects.all()
        stats = statistics_by_ref(questions) if statistics else None
        return export_response(bank_export(questions), fmt, stats)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (
            self.model_admin.has_add_permission(request)
            and self.model_admin.has_change_permission(request)
        ):
            raise PermissionDenied
        if request.method == "POST" and "payload" in request.POST:
            return self._confirm(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return self._render(request, "bank_import.html", form=form)
        upload = form.cleaned_data["file"]
        content = upload.read()
        fmt = detect_format(upload.name, form.cleaned_data["format"], content)
        try:
            result = preview(parse(content, fmt), source=upload.name, user=request.user)
        except BankImportError as error:
            return self._render(
                request,
                "bank_import.html",
                form=form,
                problems=error.problems,
                filename=upload.name,
            )
        payload = signing.dumps(
            {"fmt": fmt, "name": upload.name, "text": content.decode("utf-8-sig")},
            salt=PAYLOAD_SALT,
            compress=True,
        )
        return self._render(
            request,
            "bank_preview.html",
            result=result,
            changed=[question for question in result.changes if question.fields],
            unchanged=[question.ref for question in result.changes if not question.fields],
            payload=payload,
            filename=upload.name,
            fmt=fmt,
        )

    def _confirm(self, request: HttpRequest) -> HttpResponse:
        try:
            signed = signing.loads(
                request.POST["payload"], salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE
            )
        except signing.SignatureExpired:
            messages.error(request, "The preview is more than an hour old. Upload the file again.")
            return HttpResponseRedirect(request.path)
        except signing.BadSignature:
            messages.error(
                request,
                "The previewed file was changed before it was confirmed, so nothing was "
                "imported. Upload the file again.",
            )
            return HttpResponseRedirect(request.path)
        try:
            result = bank_import(
                data=parse(signed["text"].encode(), signed["fmt"]),
                source=signed["name"],
                user=request.user,
            )
        except BankImportError as error:
            return self._render(
                request,
                "bank_import.html",
                form=ImportForm(),
                problems=error.problems,
                filename=signed["name"],
            )
        messages.success(
            request,
            f"Imported {result.created + result.updated} question(s) from {signed['name']}: "
            f"{result.created} new, {result.updated} updated.",
        )
        return HttpResponseRedirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
                current_app=self.model_admin.admin_site.name,
            )
        )

    def _render(self, request: HttpRequest, template: str, **context) -> TemplateResponse:
        title = "Import questions" if template == "bank_import.html" else "Check the import"
        return TemplateResponse(
            request,
            TEMPLATES + template,
            {
                **self.model_admin.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
                **context,
            },
        )


def bank_urls(model_admin: admin.ModelAdmin) -> list:
    """URL patterns to put before the ModelAdmin's own (its catch-all would shadow them)."""
    return BankViews(model_admin).urls()
