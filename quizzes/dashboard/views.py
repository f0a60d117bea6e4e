"""The learner's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from quizzes.dashboard.mastery import dashboard_context
from srm_site.shared.http import HtmxHttpRequest
from srm_site.shared.time_zones import BROWSER_ZONE_COOKIE


@login_required
@require_GET
def dashboard(request: HtmxHttpRequest) -> TemplateResponse:
    """Progress, mastery, score history, what is due, and where to go next."""
    browser_zone = request.COOKIES.get(BROWSER_ZONE_COOKIE)  # site.js's; checked before use
    context = dashboard_context(request.user, browser_zone=browser_zone)
    return TemplateResponse(request, "quizzes/dashboard.html", context)
