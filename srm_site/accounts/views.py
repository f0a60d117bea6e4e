"""Account pages of our own: sign-up and the learner's settings.

Signing in, out and resetting a password are Django's auth views; the learner's
data pages are in learner_data_views.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from quizzes.models import LearnerProfile
from srm_site.accounts.forms import ProfileForm, SignupForm
from srm_site.shared.http import HtmxHttpRequest


def safe_next(request: HtmxHttpRequest, default: str = "/") -> str:
    """The `next` address if it is a path on this site, else `default`.

    Only a path ("/…") is taken: `redirect()` would read anything else, such as
    "0" or "home", as a view name, and fail with a server error when none matches.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else default


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request: HtmxHttpRequest) -> HttpResponse:
    """Create an account, log straight in, and go back to where the learner was."""
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignupForm(request.POST or None)
    user = form.save_unless_taken() if request.method == "POST" and form.is_valid() else None
    if user is not None:
        # Logging in fires user_logged_in, which moves the guest's progress over.
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Welcome to SRM Academy, {user.get_username()}! You are signed in, and from "
            "now on your lessons, practice and exams are kept with your account.",
        )
        return redirect(safe_next(request))
    context = {"form": form, "next": safe_next(request, default="")}
    return TemplateResponse(request, "registration/signup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HtmxHttpRequest) -> HttpResponse:
    """The learner's settings: extra exam time applies to exams started afterwards; the
    time zone sets where their day ends on the dashboard."""
    learner_profile, _ = LearnerProfile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=learner_profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            "Saved. Exams you start from now on use this time allowance, and your dashboard "
            "counts your day in your time zone.",
        )
        return redirect("profile")
    return TemplateResponse(request, "registration/profile.html", {"form": form})
