"""The Instructors group: authors lessons, the matrix and questions; never users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Instructors"
AUTHORING = {
    "lessons": ["layer", "service", "responsibility", "control", "lesson"],
    "quizzes": ["question", "choice"],
}
TRIAGE = {"quizzes": ["questionreport"]}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [
        (app, f"{action}_{model}")
        for app, models in AUTHORING.items()
        for model in models
        for action in ("add", "change", "delete", "view")
    ] + [
        (app, f"{action}_{model}")
        for app, models in TRIAGE.items()
        for model in models
        for action in ("change", "view")
    ]
    for app, codename in wanted:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lessons", "0003_layer_drill_question"),
        ("quizzes", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
