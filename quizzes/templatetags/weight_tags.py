"""{{ blueprint.weights.all|weighting }}: "30 % EC2, 20 % IAM"."""

from __future__ import annotations

from django import template

from quizzes.exams.weights import weights_summary

register = template.Library()


@register.filter
def weighting(weights) -> str:
    return weights_summary(weights)
