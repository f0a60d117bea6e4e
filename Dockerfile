# Production image: gunicorn serving srm_site.wsgi, static files via whitenoise.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000 \
    WEB_CONCURRENCY=3

WORKDIR /app

COPY pyproject.toml README.md ./
COPY srm_site ./srm_site
COPY lessons ./lessons
RUN pip install --no-cache-dir ".[postgres]"

COPY . .
# collectstatic needs settings to import; this key exists only during the build.
RUN DEBUG=false SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 --home-dir /app srm \
 && chown -R srm /app
USER srm

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-m", "srm_site.healthcheck"]

# Run `python manage.py migrate && python manage.py load_content` once per release
# (e.g. a release job), not in every app server.
CMD ["sh", "-c", "exec gunicorn srm_site.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY} --access-logfile -"]
