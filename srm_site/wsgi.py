"""WSGI entry point: `gunicorn srm_site.wsgi`."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from srm_site.checks import refuse_to_serve_without_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srm_site.settings")

application = get_wsgi_application()
refuse_to_serve_without_secret_key()
