"""Forms for practice: reporting a problem with a question."""

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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A radio list needs no "---------" row: a reason is required anyway.
        self.fields["reason"].choices = QuestionReport.Reason.choices
