"""Give every existing attempt item a snapshot of its question as it is today.

Attempts taken before snapshots existed can't recover what the learner saw;
the question's current state is the best record there is, and from now on it
no longer moves when the question is edited.
"""

from django.db import migrations


def fill(apps, schema_editor):
    AttemptItem = apps.get_model("quizzes", "AttemptItem")
    Question = apps.get_model("quizzes", "Question")
    items = AttemptItem.objects.filter(snapshot={}, question__isnull=False)
    question_ids = set(items.values_list("question_id", flat=True))
    snapshots = {}
    for question in (
        Question.objects.filter(pk__in=question_ids)
        .select_related("lesson")
        .prefetch_related("choices", "services", "layers")
    ):
        snapshots[question.pk] = {
            "ref": question.ref,
            "stem": question.stem,
            "kind": question.kind,
            "choose": question.choose,
            "explanation": question.explanation,
            "lesson": {"slug": question.lesson.slug, "title": question.lesson.title},
            "services": [{"slug": s.slug, "name": s.name} for s in question.services.all()],
            "layers": [{"slug": x.slug, "name": x.name} for x in question.layers.all()],
            "choices": [
                {
                    "id": c.pk,
                    "position": c.position,
                    "text": c.text,
                    "is_correct": c.is_correct,
                    "rationale": c.rationale,
                }
                for c in sorted(question.choices.all(), key=lambda c: (c.position, c.pk))
            ],
        }
    batch = []
    for item in items.only("pk", "question_id").iterator(chunk_size=2000):
        item.snapshot = snapshots[item.question_id]
        batch.append(item)
        if len(batch) == 2000:
            AttemptItem.objects.bulk_update(batch, ["snapshot"])
            batch = []
    AttemptItem.objects.bulk_update(batch, ["snapshot"])


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0007_question_history_snapshots_weights")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
