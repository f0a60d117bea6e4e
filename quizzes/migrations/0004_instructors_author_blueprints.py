"""Instructors also author exam blueprints."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Instructors")
    for action in ("add", "change", "delete", "view"):
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="quizzes", codename=f"{action}_examblueprint"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0003_exams")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
