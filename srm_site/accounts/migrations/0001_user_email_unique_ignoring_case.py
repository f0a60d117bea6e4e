"""One account per e-mail address, however it is spelled: a unique index on the
lower-cased address (blank addresses, such as a superuser's, are not indexed).

The sign-up form checks first and explains; the index settles two sign-ups that
pass that check at the same moment. auth.User is Django's model, so the index is
created in SQL that SQLite and PostgreSQL both accept.
"""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower

INDEX = "accounts_user_email_lower_uniq"


def refuse_shared_addresses(apps, schema_editor):
    """Stop with the addresses to sort out rather than a bare IntegrityError."""
    User = apps.get_model("auth", "User")
    shared = (
        User.objects.using(schema_editor.connection.alias)
        .exclude(email="")
        .values(address=Lower("email"))
        .annotate(accounts=Count("pk"))
        .filter(accounts__gt=1)
        .values_list("address", flat=True)
    )
    if shared:
        raise RuntimeError(
            "These e-mail addresses belong to more than one account: "
            + ", ".join(sorted(shared))
            + ". Change or merge those accounts, then run migrate again."
        )


class Migration(migrations.Migration):
    # After auth's last migration: on SQLite, altering a column rebuilds the table
    # and drops indexes Django does not know of (a test checks the index is there).
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(refuse_shared_addresses, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (LOWER(email)) WHERE email <> ''",
            f"DROP INDEX {INDEX}",
        ),
    ]
