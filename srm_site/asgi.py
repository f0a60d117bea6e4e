"""ASGI entry point."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from srm_site.checks import refuse_to_serve_without_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srm_site.settings")

application = get_asgi_application()
refuse_to_serve_without_secret_key()
