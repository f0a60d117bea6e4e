from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Learners' accounts: sign-up, sign-in, their settings, their data."""

    name = "srm_site.accounts"
    label = "accounts"
    verbose_name = "Accounts"
