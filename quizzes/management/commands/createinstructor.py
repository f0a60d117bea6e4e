"""Create an instructor: a staff account in the Instructors group (not a superuser).

    python manage.py createinstructor alice --email alice@example.com

Asks for the password, or reads DJANGO_INSTRUCTOR_PASSWORD with --no-input.
An existing account of that name is made an instructor instead.
"""

from __future__ import annotations

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

GROUP = "Instructors"


class Command(BaseCommand):
    help = "Create (or promote) an instructor who can author content in the admin."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Take the password from DJANGO_INSTRUCTOR_PASSWORD instead of asking.",
        )

    def handle(self, *args, username: str, email: str, no_input: bool, **options) -> None:
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist:
            raise CommandError("The Instructors group is missing: run `migrate` first.") from None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            if email and User.objects.filter(email__iexact=email).exists():
                raise CommandError(f"Another account already uses {email}: choose another.")
            password = self._password(no_input)
            user = User(username=username, email=email)
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            user.set_password(password)
            created = True
        else:
            created = False
        user.is_staff = True
        user.save()
        user.groups.add(group)
        verb = "Created" if created else "Made"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} instructor “{username}”. Sign in at /admin/.")
        )

    def _password(self, no_input: bool) -> str:
        if no_input:
            password = os.environ.get("DJANGO_INSTRUCTOR_PASSWORD", "")
            if not password:
                raise CommandError("Set DJANGO_INSTRUCTOR_PASSWORD when using --no-input.")
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords didn’t match.")
        return password
