"""Timed exams: the list, starting, the question page, submitting and the result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.bank.grading import choice_count_problem
from quizzes.exams.attempts import (
    AttemptClosed,
    BadAnswer,
    ExamSheet,
    LateAnswer,
    NavigatorRow,
    attempt_answer,
    attempt_finalize_if_expired,
    attempt_navigator,
    attempt_start,
    attempt_submit,
    exam_sheet,
    seconds_left,
)
from quizzes.exams.results import result_context
from quizzes.exams.selection import SelectionError
from quizzes.exams.snapshots import snapshot_choices_to_answer
from quizzes.exams.weights import with_weights
from quizzes.models import Attempt, AttemptItem, ExamBlueprint, Question
from srm_site.shared.http import HtmxHttpRequest


@require_GET
def exam_list(request: HtmxHttpRequest) -> TemplateResponse:
    """The exams on offer, and the learner's past attempts with their scores."""
    available = Question.objects.published().exam_shaped().count()
    blueprints = list(with_weights(ExamBlueprint.objects.filter(published=True)))
    live = set(
        Attempt.objects.for_user(request.user).in_progress().values_list("blueprint", flat=True)
    )
    for blueprint in blueprints:
        blueprint.startable = blueprint.question_count <= available
        blueprint.live = blueprint.pk in live
    attempts = Attempt.objects.for_user(request.user).select_related("blueprint")[:50]
    context = {"blueprints": blueprints, "attempts": attempts, "available": available}
    return TemplateResponse(request, "quizzes/exam_list.html", context)


@login_required
@require_POST
def exam_start(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Start the exam, or resume the live attempt of it."""
    blueprint = get_object_or_404(ExamBlueprint, slug=slug, published=True)
    try:
        started = attempt_start(user=request.user, blueprint=blueprint)
    except SelectionError as error:
        messages.error(request, str(error))
        return redirect("quizzes:exam_list")
    if started.resumed:
        messages.info(
            request, "You already had this exam under way; it continues where you left it."
        )
    return redirect(started.attempt)


def _attempt_or_404(request, pk: int) -> Attempt:
    """The learner's own attempt (anyone else's is a 404), finalised if time is up."""
    attempt = get_object_or_404(
        Attempt.objects.for_user(request.user).select_related("blueprint"), pk=pk
    )
    attempt_finalize_if_expired(attempt=attempt)
    return attempt


def _sheet_or_404(request, pk: int, n: int) -> ExamSheet:
    """Question n of the learner's own attempt with the navigator, in one read."""
    sheet = exam_sheet(user=request.user, attempt_id=pk, position=n)
    if sheet is None:  # no such question, or someone else's attempt
        raise Http404("No such question in your attempts.")
    attempt_finalize_if_expired(attempt=sheet.item.attempt)
    return sheet


def _result_url(attempt: Attempt) -> str:
    return reverse("quizzes:attempt_result", kwargs={"pk": attempt.pk})


@login_required
@require_GET
def attempt_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The attempt: its result once finished, else its first unanswered question."""
    attempt = _attempt_or_404(request, pk)
    if attempt.is_finished:
        return redirect(_result_url(attempt))
    first_open = attempt.items.filter(selected=[]).values_list("position", flat=True).first()
    return redirect("quizzes:attempt_question", pk=pk, n=first_open or 1)


def _exam_context(attempt: Attempt, item: AttemptItem, navigator: list[NavigatorRow]) -> dict:
    total = len(navigator)
    answered = sum(1 for row in navigator if row.answered)
    return {
        "attempt": attempt,
        "item": item,
        "count_problem": choice_count_problem(picked=len(item.selected), choose=item.choose),
        "navigator": navigator,
        "total": total,
        "answered": answered,
        "flagged": sum(1 for row in navigator if row.flagged),
        "remaining": seconds_left(attempt),
        "percent": round(100 * answered / total) if total else 0,
    }


@login_required
@require_http_methods(["GET", "POST"])
def attempt_question(request: HtmxHttpRequest, pk: int, n: int) -> HttpResponse:
    """Question n of the attempt, as its snapshot has it; a POST saves the choice and flag."""
    sheet = _sheet_or_404(request, pk, n)
    item = sheet.item
    attempt = item.attempt
    if attempt.is_finished and request.method == "GET":
        return redirect(_result_url(attempt))
    if request.method == "POST":
        return _save_answer(request, sheet)
    context = _exam_context(attempt, item, sheet.navigator)
    picked = set(item.selected)
    context["choices"] = [
        {**choice, "checked": choice["id"] in picked}
        for choice in snapshot_choices_to_answer(item.snapshot, item.choice_order)
    ]
    context["input_type"] = "checkbox" if item.choose > 1 else "radio"
    return TemplateResponse(request, "quizzes/attempt_question.html", context)


def _save_answer(request, sheet: ExamSheet) -> HttpResponse:
    item = sheet.item
    attempt = item.attempt
    try:
        attempt_answer(
            attempt=attempt,
            item=item,
            selected=request.POST.getlist("choice"),
            flagged=bool(request.POST.get("flagged")),
        )
    except (LateAnswer, AttemptClosed):
        return _refused(request, attempt)
    except BadAnswer:
        return HttpResponse("That choice isn’t part of this question.", status=400)
    if request.htmx:
        context = _exam_context(attempt, item, sheet.navigator_as_saved())
        return TemplateResponse(request, "quizzes/_exam_saved.html", context)
    return _go_on(request, attempt=attempt, item=item)


def _go_on(request, *, attempt: Attempt, item: AttemptItem) -> HttpResponse:
    """Without JavaScript: warn about an incomplete answer, then go where the learner asked."""
    problem = choice_count_problem(picked=len(item.selected), choose=item.choose)
    if problem:
        messages.warning(request, f"Question {item.position} is saved but not complete. {problem}")
    target = destination(
        request.POST.get("go", ""), position=item.position, total=attempt.items.count()
    )
    if target is None:
        return redirect("quizzes:attempt_submit", pk=attempt.pk)
    return redirect("quizzes:attempt_question", pk=attempt.pk, n=target)


def destination(go: str, *, position: int, total: int) -> int | None:
    """Where a save without JavaScript leads: a question number, or None for the submit page.

    `go` is "next", "prev", "submit" or a navigator number; anything else stays put.
    """
    if go == "submit" or (go == "next" and position >= total):
        return None
    if go.isdecimal() and len(go) < 6:
        return min(max(int(go), 1), total)
    return min(max(position + {"next": 1, "prev": -1}.get(go, 0), 1), total)


def _refused(request, attempt: Attempt) -> HttpResponse:
    """HTTP 409: the server's clock or state says no; say so and point to the result."""
    if attempt.state == Attempt.State.EXPIRED:
        message = (
            "Time is up. This answer arrived after the deadline and was not saved; "
            "everything you saved before the deadline has been marked."
        )
    else:
        message = "This exam is finished, so answers can’t change now."
    context = {"attempt": attempt, "message": message, "result_url": _result_url(attempt)}
    template = "quizzes/_exam_refused.html" if request.htmx else "quizzes/attempt_refused.html"
    return TemplateResponse(request, template, context, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_submit_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: confirm, listing unanswered and flagged questions. POST: finish and grade."""
    attempt = _attempt_or_404(request, pk)
    if attempt.is_finished:
        return redirect(_result_url(attempt))
    if request.method == "POST":
        attempt_submit(attempt=attempt)
        return redirect(_result_url(attempt))
    navigator = attempt_navigator(attempt=attempt)
    context = {
        "attempt": attempt,
        "unanswered": [row.position for row in navigator if row.unanswered],
        "incomplete": [row.position for row in navigator if row.incomplete],
        "flagged_items": [row.position for row in navigator if row.flagged],
        "total": len(navigator),
        "remaining": seconds_left(attempt),
    }
    return TemplateResponse(request, "quizzes/attempt_submit.html", context)


@login_required
@require_GET
def attempt_result(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Scaled score, pass or fail, breakdown, weakest areas and a full review.

    Everything about the questions comes from the items' snapshots.
    """
    attempt = _attempt_or_404(request, pk)
    if not attempt.is_finished:
        return redirect("quizzes:attempt_detail", pk=pk)
    items = list(attempt.items.all())
    context = result_context(attempt=attempt, items=items, show=request.GET.get("show", ""))
    return TemplateResponse(request, "quizzes/attempt_result.html", context)
