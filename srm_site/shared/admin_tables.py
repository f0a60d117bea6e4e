"""Helpers for the Django admin's tabular inlines."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper


def label_table_cells(form, noun: str, index: int | None) -> None:
    """Name each input of a tabular inline row ("Choice 2: text") for screen readers.

    A tabular inline shows the field labels once, as column headings, so the inputs
    have no <label>; axe counts each as an unlabelled form field.
    """
    row = f"{noun.capitalize()} {index + 1}" if index is not None else f"New {noun}"
    for name, field in form.fields.items():
        label = "delete" if name == "DELETE" else str(field.label or name).lower()
        widget = field.widget
        if isinstance(widget, RelatedFieldWidgetWrapper):  # a menu with add/change links
            widget = widget.widget
        if isinstance(widget, forms.SplitDateTimeWidget):  # two inputs, two names
            date, time = widget.widgets
            date.attrs["aria-label"] = f"{row}: {label} (date)"
            time.attrs["aria-label"] = f"{row}: {label} (time)"
        else:
            widget.attrs["aria-label"] = f"{row}: {label}"
