"""Signing in: Django's ModelBackend, with the read every signed-in request makes prepared."""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import PermissionDenied

from srm_site.prepared import PreparedRead

# Where sessions signed in before this backend existed point; still honoured.
DJANGO_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
MODEL_BACKEND = "srm_site.backends.ModelBackend"

_USER = PreparedRead(lambda pk: get_user_model()._default_manager.filter(pk=pk), pk=int)


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend; only the per-request user read differs (one prepared query)."""

    def get_user(self, user_id):
        users = _USER.objects(pk=user_id)
        return users[0] if users and self.user_can_authenticate(users[0]) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            # Stop here: Django's ModelBackend, listed after this one for older
            # sessions, would hash the same wrong password a second time.
            raise PermissionDenied
        return user
