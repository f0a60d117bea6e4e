"""Forms for practice."""

from __future__ import annotations

from django import forms

from quizzes.models import QuestionReport


class ReportForm(forms.ModelForm):
    class Meta:
        model = QuestionReport
        fields = ["reason", "note"]
        widgets = {
            "reason": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }
        labels = {"reason": "What’s wrong?", "note": "Tell us more (optional)"}
