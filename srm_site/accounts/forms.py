"""Forms for signing up and for the learner's settings."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from quizzes.models import LearnerProfile


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        help_text="Only used to reset your password if you forget it.",
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in instead."
            )
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = LearnerProfile
        fields = ["time_multiplier"]
        widgets = {"time_multiplier": forms.RadioSelect}
        labels = {"time_multiplier": "Time allowed in timed exams"}
        help_texts = {
            "time_multiplier": "If you have an exam accommodation for extra time, practise with "
            "it here. It applies to every exam you start after saving."
        }
