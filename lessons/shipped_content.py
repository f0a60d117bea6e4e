"""Operations on the subject that touch several models at once."""

from __future__ import annotations

# The subject's shipped content, in load order: each file refers to rows that
# the files before it create. (Questions are added by `quizzes.content`.)
SUBJECT_FIXTURES = [
    "layers",
    "services",
    "matrix",
    "controls",
    "lessons_concepts",
    "lessons_services",
]
