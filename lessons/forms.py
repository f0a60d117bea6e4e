"""Forms for the subject pages."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from lessons.models import Service


class CompareForm(forms.Form):
    """Two services to set side by side, chosen by slug (`?a=ec2&b=lambda`)."""

    a = forms.ChoiceField(label="First service")
    b = forms.ChoiceField(label="Second service")

    def __init__(self, *args, services: Sequence[Service], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.services_by_slug = {service.slug: service for service in services}
        choices = [(service.slug, service.name) for service in services]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
        self.fields["a"].error_messages["invalid_choice"] = (
            "“%(value)s” is not a service in the matrix. Pick one from the list."
        )
        self.fields["b"].error_messages["invalid_choice"] = self.fields["a"].error_messages[
            "invalid_choice"
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("a") and cleaned.get("a") == cleaned.get("b"):
            raise forms.ValidationError("Pick two different services to compare.")
        return cleaned

    def chosen(self) -> tuple[Service, Service]:
        return (
            self.services_by_slug[self.cleaned_data["a"]],
            self.services_by_slug[self.cleaned_data["b"]],
        )
