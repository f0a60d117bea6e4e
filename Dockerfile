# Production image: gunicorn serving srm_site.wsgi, configured by gunicorn.conf.py;
# static files collected at build time and served by whitenoise.
#
# Python 3.12: production runs on PostgreSQL, and CI's PostgreSQL pass (.ci/run)
# tests Django 6.1 on Python 3.12. pyproject.toml allows django>=5.2,<6.2, so pip
# installs Django 6.1 here, the combination that pass tests. (On 3.11 pip would
# pick Django 5.2, since 6.1 needs Python 3.12+; CI runs that pair on SQLite only.)
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=8000

WORKDIR /app

# The dependencies first, read from pyproject.toml ([project] dependencies and the
# postgres extra), so this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print(*p["dependencies"], *p["optional-dependencies"]["postgres"], sep="\n")' \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Then the project: srm_site, lessons and quizzes, plus templates/, static/ and
# fixtures/, which settings.py finds beside the packages (BASE_DIR). .dockerignore
# leaves out tests, bench, virtualenvs, databases and the like. The install is
# editable so the packages are imported from /app, the only copy, where BASE_DIR
# finds those folders; --no-deps: everything they need is installed above.
COPY . .
RUN pip install --no-deps --editable . \
 && pip check \
 && DEBUG=false python manage.py collectstatic --noinput --verbosity 0 \
 && useradd --system --uid 10001 --create-home --home-dir /home/srm srm

# The code and the collected static files stay owned by root: the app can read
# them, not change them. It writes only to /tmp (the cache without REDIS_URL,
# CACHE_DIR) and its home, /home/srm (gunicorn's control socket, for gunicornc).
# The database is PostgreSQL (DATABASE_URL), or SQLite on a mounted volume
# (e.g. DATABASE_URL=sqlite:////data/db.sqlite3), never inside /app.
USER srm

# gunicorn.conf.py reads everything else from the environment (WEB_CONCURRENCY,
# GUNICORN_TIMEOUT, LOG_LEVEL, ...; see its docstring). It binds to 127.0.0.1:$PORT
# unless BIND is set, so CMD sets BIND=0.0.0.0:$PORT (unless given). Change the port
# with PORT, not BIND: the HEALTHCHECK probes 127.0.0.1:$PORT. WEB_CONCURRENCY
# defaults to 2 x CPUs + 1 (at most 12) as os.cpu_count() sees them, which in a
# container are the host's: set it when the container has a CPU limit.
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-m", "srm_site.healthcheck"]

# Run `python manage.py migrate && python manage.py load_content` once per release
# (e.g. a release job), not in every app server.
CMD ["sh", "-c", "export BIND=\"${BIND:-0.0.0.0:$PORT}\" && exec gunicorn srm_site.wsgi -c gunicorn.conf.py"]
