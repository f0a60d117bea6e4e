"""Permissions the Instructors group gets without a data migration.

The group and its first permissions come from data migrations (0002, 0004).
Permissions added since are granted here, after every `migrate` (post_migrate
runs even when there is nothing to apply, and after Django has created the
permissions of new models), so an existing database picks them up on its next
deploy. Granting is idempotent; a database without the group is left alone.
"""

from __future__ import annotations

from django.apps import apps as global_apps

GROUP = "Instructors"
# (app label, model) pairs instructors author: add, change, delete and view.
AUTHORING = [("quizzes", "blueprintweight"), ("quizzes", "correction")]
ACTIONS = ("add", "change", "delete", "view")


def grant_instructor_permissions(
    sender, *, apps=global_apps, using: str = "default", **kwargs
) -> None:
    """post_migrate receiver: give the Instructors group the AUTHORING permissions.

    `migrate` passes the migration state's apps; `flush` (as between browser
    tests) passes none, and the installed apps serve.
    """
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth isn't migrated in this plan
        return
    group = Group.objects.using(using).filter(name=GROUP).first()
    if group is None:
        return
    wanted = Permission.objects.using(using).filter(
        content_type__app_label__in={app for app, _ in AUTHORING},
        codename__in=[f"{action}_{model}" for _, model in AUTHORING for action in ACTIONS],
    )
    group.permissions.add(*wanted)
