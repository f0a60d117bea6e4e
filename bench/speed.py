"""`make bench`: how fast our pages are, as a share of a bare Django view.

Both apps run side by side under gunicorn (2 sync workers, DEBUG off) on
127.0.0.1, and wrk (2 threads x 20 connections) hits each URL in turn. The
site gets a throw-away SQLite database with the shipped content, a learner
with a session in the database and a full-simulation exam under way.

    .venv/bin/python bench/speed.py [--duration 10] [--json out.json]

Nothing is sent anywhere but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
WORKERS = 2
THREADS = 2
CONNECTIONS = 20
WARMUP = 2  # seconds
ROUNDS = 3  # the bare view and each URL take turns this many times
# Every learner page must serve at least this share of the bare view's requests/s.
# The best-known open-source Django quiz app's question page measured 9.4 % here.
LEARNER = 0.12


@dataclass
class Target:
    label: str
    path: str
    share: float  # required share of the bare view's req/s
    method: str = "GET"
    body: str = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(tmp: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The caller's deployment settings must not leak into the measurement.
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "CONN_MAX_AGE"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'site.sqlite3'}",
        STATIC_ROOT=str(tmp / "static"),
        DEBUG="false",
        SECRET_KEY="bench-only-" + secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


SETUP = textwrap.dedent(
    """
    import json
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.urls import reverse

    from lessons.models import Lesson
    from quizzes.exams.attempts import attempt_start
    from quizzes.models import ExamBlueprint, Question

    user = User.objects.create_user("bench-learner", password="bench-" + "x" * 20)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # as sign-in does
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    blueprint = ExamBlueprint.objects.get(slug="full-simulation")
    attempt = attempt_start(user=user, blueprint=blueprint).attempt
    item = attempt.items.get(position=2)
    choice = item.snapshot["choices"][0]["id"]
    lesson = Lesson.objects.published().order_by("position")[1]
    print("BENCH" + json.dumps({
        "session": store.session_key,
        "cookie": settings.SESSION_COOKIE_NAME,
        "attempt": attempt.pk,
        "questions": attempt.items.count(),
        "choice": choice,
        "lesson": lesson.get_absolute_url(),
        "practice": reverse(
            "quizzes:practice_question",
            args=[Question.objects.published().exam_shaped().order_by("ref").first().pk],
        ),
    }))
    """
)


def run(cmd: list[str], *, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare_site(tmp: Path) -> tuple[dict[str, str], dict]:
    env = site_env(tmp)
    manage = [PYTHON, "manage.py"]
    run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT)
    run([*manage, "load_content", "-v", "0"], env=env, cwd=ROOT)
    # The production storage serves hashed names from a manifest.
    run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT)
    out = run([*manage, "shell", "-c", SETUP], env=env, cwd=ROOT)
    line = next(line for line in out.splitlines() if line.startswith("BENCH"))
    return env, json.loads(line[len("BENCH") :])


def prepare_bare(tmp: Path) -> tuple[dict[str, str], Path]:
    """A fresh `startproject` with one view returning "ok", default middleware."""
    project = tmp / "bare"
    project.mkdir()
    django_admin = str(Path(PYTHON).with_name("django-admin"))
    run([django_admin, "startproject", "bare", str(project)], env=dict(os.environ), cwd=tmp)
    (project / "bare" / "urls.py").write_text(
        "from django.http import HttpResponse\n"
        "from django.urls import path\n\n\n"
        "def ok(request):\n"
        '    return HttpResponse("ok")\n\n\n'
        'urlpatterns = [path("", ok)]\n'
    )
    settings = project / "bare" / "settings.py"
    text = settings.read_text().replace("DEBUG = True", "DEBUG = False")
    text = text.replace("ALLOWED_HOSTS = []", 'ALLOWED_HOSTS = ["127.0.0.1"]')
    settings.write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env, project


def start_gunicorn(
    module: str, *, env: dict[str, str], cwd: Path, port: int, conf: Path
) -> subprocess.Popen:
    cmd = [
        GUNICORN,
        module,
        # An empty config file: a gunicorn.conf.py in the working directory
        # must not change the measurement of one side only.
        "--config",
        str(conf),
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(cmd, env=env, cwd=cwd, start_new_session=True)


def wait_up(url: str, *, headers: dict[str, str] | None = None, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    sys.exit(f"{url} did not come up")


def check(base: str, target: Target, headers: dict[str, str]) -> None:
    """One request first: a bench of error pages would measure nothing."""
    data = target.body.encode() if target.method == "POST" else None
    request = urllib.request.Request(
        base + target.path, data=data, headers=headers, method=target.method
    )
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            status = response.status
            body = response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    if status != 200:
        sys.exit(f"{target.method} {target.path} answered {status}:\n{body[:500]!r}")


def lua_script(tmp: Path, target: Target, headers: dict[str, str]) -> Path:
    script = tmp / f"wrk-{abs(hash(target.label))}.lua"
    lines = [f'wrk.method = "{target.method}"']
    for name, value in headers.items():
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    if target.method == "POST":
        lines.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
        lines.append(f'wrk.body = "{target.body}"')
    script.write_text("\n".join(lines) + "\n")
    return script


def wrk(url: str, *, script: Path | None, duration: int) -> tuple[float, str]:
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = next(
        float(line.split()[1]) for line in out.splitlines() if line.startswith("Requests/sec")
    )
    errors = [
        line.strip() for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line
    ]
    return rps, "; ".join(errors)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL (10)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print(
            "wrk is not installed, so there is nothing to measure with.\n"
            "Install it (Debian/Ubuntu: `apt-get install -y wrk`; macOS: `brew install wrk`)\n"
            "and run `make bench` again.",
            file=sys.stderr,
        )
        return 2

    round_seconds = max(1, round(args.duration / ROUNDS))
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="srm-bench-") as name:
        tmp = Path(name)
        conf = tmp / "gunicorn.empty.py"
        conf.write_text("")
        print("Preparing a throw-away database (migrate, load_content, a learner, an exam)…")
        env, facts = prepare_site(tmp)
        bare_env, bare_dir = prepare_bare(tmp)
        site_port, bare_port = free_port(), free_port()
        try:
            processes.append(
                start_gunicorn("srm_site.wsgi", env=env, cwd=ROOT, port=site_port, conf=conf)
            )
            processes.append(
                start_gunicorn("bare.wsgi", env=bare_env, cwd=bare_dir, port=bare_port, conf=conf)
            )
            site = f"http://127.0.0.1:{site_port}"
            bare = f"http://127.0.0.1:{bare_port}"
            wait_up(site + "/healthz")
            wait_up(bare + "/")

            csrf = secrets.token_hex(16)  # 32 characters: an unmasked secret is a valid token
            learner = {
                "Cookie": f"{facts['cookie']}={facts['session']}; csrftoken={csrf}",
            }
            attempt = facts["attempt"]
            answer = Target(
                "exam answer POST (htmx save)",
                f"/attempts/{attempt}/q/2/",
                LEARNER,
                method="POST",
                body=f"csrfmiddlewaretoken={csrf}&choice={facts['choice']}&flagged=1",
            )
            targets = [
                (Target("exam question page", f"/attempts/{attempt}/q/1/", LEARNER), learner),
                (Target("lesson page", facts["lesson"], LEARNER), learner),
                (Target("practice question", facts["practice"], LEARNER), learner),
                (Target("matrix", "/matrix/", LEARNER), learner),
                (answer, {**learner, "HX-Request": "true", "X-CSRFToken": csrf}),
                (Target("healthz", "/healthz", 0.60), {}),
            ]
            print(
                f"Exam: attempt {attempt}, {facts['questions']} questions. "
                f"wrk -t{THREADS} -c{CONNECTIONS}, {ROUNDS} rounds of {round_seconds}s per URL "
                f"alternating with the bare view, "
                f"gunicorn {WORKERS} sync workers each.\n"
            )
            rows = []
            for target, headers in targets:
                check(site, target, headers)
                script = lua_script(tmp, target, headers)
                # Warm both (imports, template loader, connections). Other load on the
                # machine drifts over a run, so the bare view and the URL take turns in
                # short rounds and each share compares neighbouring measurements.
                wrk(bare + "/", script=None, duration=WARMUP)
                wrk(site + target.path, script=script, duration=WARMUP)
                bare_runs, site_runs, errors = [], [], ""
                for _ in range(ROUNDS):
                    bare_runs.append(wrk(bare + "/", script=None, duration=round_seconds)[0])
                    rps, errors = wrk(site + target.path, script=script, duration=round_seconds)
                    site_runs.append(rps)
                bare_rps = sum(bare_runs) / ROUNDS
                rps = sum(site_runs) / ROUNDS
                rows.append((target, bare_rps, rps, rps / bare_rps, errors))
        finally:
            for process in processes:
                stop(process)

    width = max(len(t.label) + len(t.path) for t, *_ in rows) + 3
    print(f"{'URL':<{width}} {'req/s':>9} {'bare':>8} {'share':>7} {'target':>7}  result")
    failed = 0
    for target, bare_rps, rps, share, errors in rows:
        ok = share >= target.share
        failed += not ok
        label = f"{target.label} {target.path}"
        print(
            f"{label:<{width}} {rps:>9.1f} {bare_rps:>8.1f} {share:>6.1%} {target.share:>6.0%}  "
            f"{'pass' if ok else 'FAIL'}{'  (' + errors + ')' if errors else ''}"
        )
    print("bare: req/s of the bare Django view in the rounds alternating with that URL.")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "label": t.label,
                        "path": t.path,
                        "rps": r,
                        "bare_rps": b,
                        "share": s,
                        "target": t.share,
                        "errors": e,
                    }
                    for t, b, r, s, e in rows
                ],
                indent=2,
            )
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
