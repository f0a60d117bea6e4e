"""The learner's own data: see what is kept, download it, or delete the account."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from srm_site.accounts.learner_data import learner_delete, learner_export
from srm_site.shared.http import HtmxHttpRequest


class AccountDeleteForm(forms.Form):
    """Deleting everything asks for the password again, as changing it does."""

    confirm = forms.BooleanField(
        label="I understand that my account and all my data will be deleted for good.",
        error_messages={"required": "Tick the box to confirm you want to delete everything."},
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That password is not right, so nothing was deleted. Try again.",
                code="password_incorrect",
            )
        return password


@login_required
@require_GET
def learner_data(request: HtmxHttpRequest) -> HttpResponse:
    """What is kept about the learner, with the download and the way out."""
    return TemplateResponse(request, "registration/learner_data.html", {})


@login_required
@require_GET
def learner_data_export(request: HtmxHttpRequest) -> HttpResponse:
    """Everything kept about the learner, as a JSON file to save."""
    filename = f"srm-academy-{request.user.get_username()}-{timezone.localdate():%Y-%m-%d}.json"
    response = JsonResponse(learner_export(request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Personal data: no browser or proxy cache keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HtmxHttpRequest) -> HttpResponse:
    """Confirm with the password, then delete the account and everything in it."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        learner_delete(request.user)
        logout(request)
        messages.success(request, "Your account and all your data are deleted.")
        return redirect("lessons:home")
    status = 400 if form.is_bound else 200
    context = {"form": form}
    return TemplateResponse(request, "registration/account_delete.html", context, status=status)
