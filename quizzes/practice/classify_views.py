"""The classify drill: pick a service, sort its duties, check the sheet against the matrix."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from lessons.models import Service
from quizzes.practice.classify import (
    CLASSIFY_OWNERS,
    ClassifyResult,
    classify_answers_from,
    classify_grade,
    classify_rows,
    classify_services,
    classify_sheet,
)
from quizzes.practice.guest_limit import guest_answer_wait, too_fast, too_fast_message
from quizzes.practice.questions import AnswerError
from srm_site.shared.http import HtmxHttpRequest


@require_GET
def classify_home(request: HtmxHttpRequest) -> TemplateResponse:
    """Choose a service whose duties to sort."""
    context = {"services": classify_services(), "service": None}
    return TemplateResponse(request, "quizzes/classify.html", context)


@require_http_methods(["GET", "POST"])
def classify(request: HtmxHttpRequest, service: str) -> TemplateResponse:
    """The sorting board for one service; POST checks it. htmx gets only the results."""
    picked = get_object_or_404(Service, slug=service)
    rows = classify_rows(service=picked)
    if request.method == "GET":
        return _board(request, service=picked, duties=classify_sheet(rows=rows))
    answers = classify_answers_from(request.POST)
    duties = classify_sheet(rows=rows, answers=answers)
    if wait := guest_answer_wait(request):
        here = reverse("quizzes:classify", args=[picked.slug])
        error = too_fast_message(request, wait, here=here)
        return too_fast(_board(request, service=picked, duties=duties, error=error), wait)
    try:
        result = classify_grade(user=request.user, rows=rows, answers=answers)
    except AnswerError as error:
        # htmx only swaps 2xx responses in (base.html's htmx-config), so it gets a 200.
        status = 200 if request.htmx else 400
        return _board(request, service=picked, duties=duties, error=str(error), status=status)
    return _board(request, service=picked, duties=duties, result=result)


def _board(
    request: HtmxHttpRequest,
    *,
    service: Service,
    duties: list,
    result: ClassifyResult | None = None,
    error: str = "",
    status: int = 200,
) -> TemplateResponse:
    template = "quizzes/classify.html"
    if request.htmx and request.method == "POST":
        template += "#results"
    context = {
        "service": service,
        "duties": duties,
        "owners": CLASSIFY_OWNERS,
        "result": result,
        "error": error,
    }
    return TemplateResponse(request, template, context, status=status)
