"""Corrections: the public list, and a learner putting away a notice they have read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from quizzes.models import Correction, CorrectionNotice
from srm_site.shared.http import HtmxHttpRequest


@require_GET
def correction_list(request: HtmxHttpRequest) -> TemplateResponse:
    """Every correction to the content, newest first, with its date and reason."""
    corrections = Correction.objects.select_related(
        "question", "cell__service", "cell__layer", "lesson"
    )
    return TemplateResponse(request, "quizzes/correction_list.html", {"corrections": corrections})


@login_required
@require_POST
def correction_notice_dismiss(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Hide one of the learner's own notices (another learner's is a 404)."""
    notice = get_object_or_404(CorrectionNotice, pk=pk, user=request.user)
    if notice.dismissed_at is None:
        notice.dismissed_at = timezone.now()
        notice.save(update_fields=["dismissed_at"])
    if request.htmx:
        return HttpResponse("")  # the notice's element is swapped out
    return redirect("quizzes:dashboard")
