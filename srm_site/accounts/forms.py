"""Forms for signing up and for the learner's settings."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.db import IntegrityError, transaction

from quizzes.models import LearnerProfile
from srm_site.shared.time_zones import UNKNOWN_ZONE, time_zone_choices

EMAIL_TAKEN = "An account with this email already exists. Log in instead."


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
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def save_unless_taken(self):
        """The new account, or None (with the form's error) when a sign-up that passed
        the same checks at the same moment took the username or the address first."""
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError:
            User = get_user_model()
            if User.objects.filter(username=self.cleaned_data["username"]).exists():
                taken = User._meta.get_field("username").error_messages["unique"]
                self.add_error("username", taken)
            else:
                self.add_error("email", EMAIL_TAKEN)
            return None


class ProfileForm(forms.ModelForm):
    # A select of every zone the server knows; with JavaScript, site.js picks the
    # browser's while the learner has chosen none (data-browser-time-zone).
    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=lambda: [("", "Not chosen"), *time_zone_choices()],
        required=False,
        help_text="“Reviews due today” on your dashboard counts until midnight in this "
        "zone. Not chosen: your browser’s zone where it tells us, otherwise UTC.",
        error_messages={"invalid_choice": UNKNOWN_ZONE},
        widget=forms.Select(attrs={"data-browser-time-zone": True}),
    )

    class Meta:
        model = LearnerProfile
        fields = ["time_multiplier", "time_zone"]
        widgets = {"time_multiplier": forms.RadioSelect}
        labels = {"time_multiplier": "Time allowed in timed exams"}
        help_texts = {
            "time_multiplier": "If you have an exam accommodation for extra time, practise with "
            "it here. It applies to every exam you start after saving."
        }
