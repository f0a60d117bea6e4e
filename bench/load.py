"""Load test: simulated learners sit the quick-check exam against gunicorn on 127.0.0.1.

    make load                                             # SQLite, 50 learners
    make load ARGS="--db postgres --servers 2 --learners 200"
    make load ARGS="--db postgres --servers 2 --learners 200 --chaos"
    make load ARGS="--db postgres --servers 2 --learners 100 --db-restart 5"

It builds a fresh database (a temp SQLite file, or a temp database on the local
PostgreSQL server that is dropped afterwards), migrates it, loads the content,
creates the learners, starts `--servers` gunicorn instances (gunicorn.conf.py,
`--workers` each) on free loopback ports, then every learner at once: logs in
through the form, opens a lesson, starts the exam, answers every question
(some twice, some flagged), submits. Afterwards it reads the attempts back from
the database: every answer that got a 2xx/3xx must be the item's stored
selection (the last acknowledged answer per item wins). Then /healthz is hit
with the same concurrency for a few seconds, as a yardstick.

Each learner pauses about `--think-ms` before each action (default 5 s, far
quicker than a real learner); `--think-ms 300` or 0 saturates the servers, so
latencies then measure queueing (capacity), not the requests.

`--chaos` SIGKILLs one gunicorn worker mid-run; a learner whose request then
fails with a connection error retries it once (recovered failures are counted
as `retried`, not as errors).

`--db-restart SECONDS` stops the local PostgreSQL cluster (`pg_ctlcluster ...
stop -m fast`, as root) once about a third of the answers are in, and starts it
again SECONDS later. A learner answered 503 while it is down waits the
Retry-After and sends the same request again, as a person pressing "Try again"
would: those are counted as outage 503s, not errors. A 503 outside the outage,
or any other 5xx, is an error. Whatever happens, the cluster is started again.

After every run the attempts are checked for half-written state: each has
exactly its blueprint's number of items, and each finished one is graded
consistently (every item marked, score = scored items right). Server-log
tracebacks are counted apart from the outage warnings the 503 page logs.

The last line is machine-readable:
    learners=N answers_ok=A answers_stored=B lost=L errors=E p99_ms=P healthz_ratio=R
        outage_503s=O half_written=H inconsistent=I tracebacks=T
A: answer POSTs acknowledged with 2xx/3xx. B: those the database shows (an
answer replaced by a later acknowledged one counts as stored when that later one
is). L = A - B. E: requests that failed for good. P: the answer POST's p99.
R: answer POSTs per second ÷ /healthz requests per second at the same concurrency.
O: 503s during --db-restart's outage, each retried. H: attempts without exactly
their blueprint's items. I: finished attempts graded inconsistently. T: server
tracebacks other than the outage warnings. The exit status is 1 unless L, E, H,
I and T are all 0. Traffic goes to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
BLUEPRINT = "quick-check"
ENDPOINTS = ["login form", "login", "lesson", "start", "question", "answer", "submit", "healthz"]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="choice" value="(\d+)"')
OF_TOTAL = re.compile(r"question (\d+) of (\d+)", re.IGNORECASE)
CHOOSE = re.compile(r"Choose (\d+) answers")
ATTEMPT = re.compile(r"/attempts/(\d+)/")
# What srm_site.middleware logs (with the exception) for each 503 it serves.
OUTAGE_WARNING = "Database unavailable, answered 503:"
CHAINED = ("The above exception was the direct cause", "During handling of the above exception")
# A 503 to a request sent up to this long after PostgreSQL accepts again is the outage's.
OUTAGE_MARGIN = 1.0

SETUP_USERS = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from lessons.models import Lesson
User = get_user_model()
hashed = make_password({password!r})  # one hash for all: setup stays fast
User.objects.bulk_create(
    [User(username=f"load{{i:04d}}", password=hashed) for i in range({count})]
)
print("JSON", json.dumps(list(Lesson.objects.published().values_list("slug", flat=True))))
"""

READ_ITEMS = """
import json
from quizzes.models import AttemptItem
ids = json.load(open({path!r}))
rows = AttemptItem.objects.filter(attempt_id__in=ids).values_list(
    "attempt_id", "position", "selected", "flagged"
)
print("JSON", json.dumps([list(row) for row in rows]))
"""

READ_ATTEMPTS = """
import json
from django.db.models import Count, Q
from quizzes.models import Attempt
rows = Attempt.objects.annotate(
    items_n=Count("items"),
    scored_n=Count("items", filter=Q(items__scored=True)),
    right_n=Count("items", filter=Q(items__scored=True, items__correct=True)),
    graded_n=Count("items", filter=Q(items__correct__isnull=False)),
).values_list(
    "pk", "state", "blueprint__question_count", "items_n", "score", "scored_count",
    "scored_n", "right_n", "graded_n",
)
print("JSON", json.dumps([list(row) for row in rows]))
"""


class LearnerFailed(Exception):
    pass


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    retried: int = 0
    outage_503s: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # (attempt id, position) -> answers sent, in order: [selected, flagged, acknowledged]
    answers: dict[tuple[int, int], list[list]] = field(default_factory=lambda: defaultdict(list))
    attempts: list[int] = field(default_factory=list)
    learners_done: int = 0


@dataclass
class Run:
    args: argparse.Namespace
    stats: Stats
    servers: list[str]
    password: str
    lessons: list[str]
    logged_in: asyncio.Event = field(default_factory=asyncio.Event)
    # --db-restart: when the cluster was told to stop, and when it accepted again.
    outage_began: float | None = None
    outage_ended: float | None = None
    logins_left: int = 0
    # One SSL context for every client (plain HTTP needs none, but each client
    # would build one, costing the load generator more CPU than the requests).
    ssl_context: ssl.SSLContext = field(default_factory=ssl.create_default_context)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)  # nearest rank
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


# --- the site ----------------------------------------------------------------


def site_env(database_url: str, static_root: Path, args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="srm_site.settings",
        DEBUG="false",
        SECRET_KEY="load-" + secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATIC_ROOT=str(static_root),
        REDIS_URL=args.redis_url or "",
        WEB_CONCURRENCY=str(args.workers),
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    if args.conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(args.conn_max_age)
    return env


def shell_json(env: dict[str, str], code: str):
    """Run code in `manage.py shell`; it prints its answer on a line starting "JSON "."""
    out = manage(env, "shell", "-c", code)
    return json.loads(next(line for line in out.splitlines() if line.startswith("JSON "))[5:])


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args[:1])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def create_postgres_database(base: str) -> tuple[str, str]:
    import psycopg

    name = f"srm_load_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"{base}/{name}"


def drop_postgres_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def forget_sessions(redis_url: str) -> None:
    """Delete the sessions this run cached in Redis (cached_db keeps them in the database too)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match="*django.contrib.sessions.cache*", count=1000))
    if keys:
        client.delete(*keys)


def start_servers(
    env: dict[str, str], count: int, logs: Path
) -> list[tuple[subprocess.Popen, str]]:
    servers = []
    for index in range(count):
        port = free_port()
        log = open(logs / f"gunicorn-{index}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "srm_site.wsgi"],
            cwd=ROOT,
            env={**env, "BIND": f"{HOST}:{port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        servers.append((process, f"http://{HOST}:{port}"))
    deadline = time.monotonic() + 60
    for process, url in servers:
        while True:
            if process.poll() is not None:
                sys.exit(f"gunicorn for {url} exited; see {logs}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"gunicorn for {url} did not answer /healthz in 60 s; see {logs}")
            time.sleep(0.2)
    return servers


def stop_servers(servers: list[tuple[subprocess.Popen, str]]) -> None:
    for process, _ in servers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process, _ in servers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry))
    return pids


# --- the learners --------------------------------------------------------------


async def call(run: Run, client: httpx.AsyncClient, name: str, method: str, url: str, **kw):
    """One request, timed; under --chaos a connection error is retried once, and under
    --db-restart a 503 during the outage is sent again after its Retry-After."""
    stats = run.stats
    transport_tries = 2 if run.args.chaos else 1
    patience = time.monotonic() + (run.args.db_restart or 0) + 120
    while True:
        started = time.perf_counter()
        sent = time.monotonic()
        try:
            response = await client.request(method, url, **kw)
        except httpx.TransportError as error:
            stats.latencies[name].append((time.perf_counter() - started) * 1000)
            transport_tries -= 1
            if transport_tries:
                stats.retried += 1
                stats.error_kinds[f"{name}: {type(error).__name__} (retried)"] += 1
                continue
            stats.errors[name] += 1
            stats.error_kinds[f"{name}: {type(error).__name__}"] += 1
            raise LearnerFailed from error
        stats.latencies[name].append((time.perf_counter() - started) * 1000)
        if (
            response.status_code == 503
            and in_outage(run, sent, time.monotonic())
            and time.monotonic() < patience
        ):
            stats.outage_503s[name] += 1
            await asyncio.sleep(retry_after(response))
            continue
        if response.status_code >= 400:
            stats.errors[name] += 1
            stats.error_kinds[f"{name}: HTTP {response.status_code}"] += 1
            raise LearnerFailed
        return response


def in_outage(run: Run, sent: float, received: float) -> bool:
    """Whether a request overlapped the --db-restart outage (a margin after it included)."""
    if run.outage_began is None or received < run.outage_began:
        return False
    return run.outage_ended is None or sent <= run.outage_ended + OUTAGE_MARGIN


def retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    return min(float(value), 30.0) if value.isdecimal() else 1.0


def token_of(response: httpx.Response, client: httpx.AsyncClient) -> str:
    found = TOKEN.search(response.text)
    return found.group(1) if found else client.cookies.get("csrftoken", "")


async def think(run: Run) -> None:
    if run.args.think_ms:
        await asyncio.sleep(run.args.think_ms / 1000 * random.uniform(0.5, 1.5))


async def learner(run: Run, index: int) -> None:
    rng = random.Random(index)
    base = run.servers[index % len(run.servers)]
    timeout = httpx.Timeout(120.0)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, verify=run.ssl_context) as client:
        try:
            await sit_exam(run, client, index, rng)
            run.stats.learners_done += 1
        except LearnerFailed:
            pass
        finally:
            if not run.logged_in.is_set():
                run.logins_left -= 1
                if run.logins_left <= 0:
                    run.logged_in.set()


async def sit_exam(run: Run, client: httpx.AsyncClient, index: int, rng: random.Random) -> None:
    stats = run.stats
    # A class arriving: each learner signs in at a random moment of the first
    # --login-spread seconds (0: all at once, a storm no class makes).
    await asyncio.sleep(run.args.login_spread * rng.random())
    page = await call(run, client, "login form", "GET", "/accounts/login/")
    form = {
        "csrfmiddlewaretoken": token_of(page, client),
        "username": f"load{index:04d}",
        "password": run.password,
        "next": "",
    }
    done = await call(run, client, "login", "POST", "/accounts/login/", data=form)
    if done.status_code != 302:
        stats.errors["login"] += 1
        stats.error_kinds[f"login: HTTP {done.status_code}, not a redirect"] += 1
        raise LearnerFailed
    # Everyone logs in first (password hashing is the costliest request by far),
    # then the exam starts for all, spread over --ramp seconds.
    run.logins_left -= 1
    if run.logins_left <= 0:
        run.logged_in.set()
    await run.logged_in.wait()
    await asyncio.sleep(run.args.ramp * rng.random())

    lesson = await call(run, client, "lesson", "GET", f"/lessons/{rng.choice(run.lessons)}/")
    token = token_of(lesson, client)
    await think(run)
    started = await call(
        run,
        client,
        "start",
        "POST",
        f"/exams/{BLUEPRINT}/start",
        data={"csrfmiddlewaretoken": token},
    )
    found = ATTEMPT.search(started.headers.get("location", ""))
    if not found:
        stats.errors["start"] += 1
        stats.error_kinds["start: no attempt in the redirect"] += 1
        raise LearnerFailed
    attempt = int(found.group(1))
    stats.attempts.append(attempt)

    position, total = 1, 1
    while position <= total:
        url = f"/attempts/{attempt}/q/{position}/"
        page = await call(run, client, "question", "GET", url)
        of_total = OF_TOTAL.search(page.text)
        choices = CHOICE.findall(page.text)
        if not of_total or not choices:
            stats.errors["question"] += 1
            stats.error_kinds["question: no form in the page"] += 1
            raise LearnerFailed
        total = int(of_total.group(2))
        choose = int(CHOOSE.search(page.text).group(1)) if CHOOSE.search(page.text) else 1
        token = token_of(page, client)
        # A quarter change their mind (the first answer stays on the page), a
        # fifth flag the question; either way the last acknowledged answer counts.
        rounds = 2 if rng.random() < 0.25 else 1
        for round_ in range(rounds):
            await think(run)
            picked = sorted(int(c) for c in rng.sample(choices, min(choose, len(choices))))
            flagged = rng.random() < 0.2
            form = {
                "csrfmiddlewaretoken": token,
                "choice": [str(c) for c in picked],
                "go": "next" if round_ == rounds - 1 else str(position),
            }
            if flagged:
                form["flagged"] = "1"
            post = [picked, flagged, False]
            stats.answers[(attempt, position)].append(post)
            await call(run, client, "answer", "POST", url, data=form)
            post[2] = True  # acknowledged: 2xx/3xx
        position += 1

    await think(run)
    await call(
        run,
        client,
        "submit",
        "POST",
        f"/attempts/{attempt}/submit",
        data={"csrfmiddlewaretoken": token},
    )


async def a_third_answered(run: Run) -> int:
    """Wait (at most 10 minutes) until about a third of the answers are sent; how many are."""
    expected = run.args.learners * 10 * 1.25
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        answered = sum(len(v) for v in run.stats.answers.values())
        if answered >= expected / 3:
            break
        await asyncio.sleep(0.05)
    return sum(len(v) for v in run.stats.answers.values())


async def chaos_monkey(run: Run, masters: list[int], log: list[str]) -> None:
    """Once about a third of the answers are in, SIGKILL one worker of the first server."""
    await a_third_answered(run)
    pids = worker_pids(masters[0])
    if not pids:
        log.append("chaos: no worker found")
        return
    victim = random.choice(pids)
    os.kill(victim, signal.SIGKILL)
    answered = sum(len(v) for v in run.stats.answers.values())
    log.append(f"chaos: SIGKILLed gunicorn worker pid {victim} after {answered} answers")


def postgres_cluster(pg_url: str) -> tuple[str, str]:
    """The local Debian cluster (version, name) listening on the --pg URL's port."""
    parts = urlsplit(pg_url)
    if parts.hostname not in (HOST, "localhost"):
        sys.exit(f"--db-restart stops a local cluster; {parts.hostname} is not this machine")
    port = str(parts.port or 5432)
    try:
        listing = subprocess.run(
            ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        sys.exit(f"--db-restart needs pg_lsclusters (Debian's postgresql-common): {error}")
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return version, name
    sys.exit(f"--db-restart: no cluster on port {port} in pg_lsclusters")


def pg_ctlcluster(cluster: tuple[str, str], *action: str) -> subprocess.CompletedProcess:
    # As .ci/run does: no systemd here to redirect to.
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, *action],
        capture_output=True,
        text=True,
        timeout=120,
    )


def postgres_accepts(pg_url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{pg_url}/postgres", connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def ensure_postgres_running(cluster: tuple[str, str], pg_url: str) -> None:
    """Start the cluster if it is stopped, and wait (bounded) until it accepts connections."""
    if pg_ctlcluster(cluster, "status").returncode != 0:
        pg_ctlcluster(cluster, "start")
    deadline = time.monotonic() + 60
    while not postgres_accepts(pg_url) and time.monotonic() < deadline:
        time.sleep(0.2)


async def db_restarter(run: Run, cluster: tuple[str, str], log: list[str]) -> None:
    """Once about a third of the answers are in, stop PostgreSQL for --db-restart seconds."""
    answered = await a_third_answered(run)
    run.outage_began = time.monotonic()
    try:
        stop = await asyncio.to_thread(pg_ctlcluster, cluster, "stop", "-m", "fast")
        stopped = time.monotonic()
        if stop.returncode:
            log.append(f"db-restart: stop failed: {stop.stderr.strip()}")
        log.append(
            f"db-restart: PostgreSQL {'/'.join(cluster)} told to stop after {answered} answers, "
            f"stopped in {stopped - run.outage_began:.1f} s"
        )
        await asyncio.sleep(run.args.db_restart)
    finally:
        restart = time.monotonic()
        await asyncio.to_thread(ensure_postgres_running, cluster, run.args.pg)
        run.outage_ended = time.monotonic()
    answered = sum(len(v) for v in run.stats.answers.values())
    log.append(
        f"db-restart: down {restart - stopped:.1f} s, accepting again "
        f"{run.outage_ended - restart:.1f} s after the start command "
        f"({run.outage_ended - run.outage_began:.1f} s in all; {answered} answers sent by then)"
    )


async def hammer_healthz(run: Run, seconds: float) -> tuple[int, float]:
    """/healthz with the learners' concurrency for `seconds`: requests done, and the time."""
    stop = time.monotonic() + seconds
    count = 0

    async def loop(index: int) -> None:
        nonlocal count
        base = run.servers[index % len(run.servers)]
        async with httpx.AsyncClient(base_url=base, timeout=30, verify=run.ssl_context) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    response = await client.get("/healthz")
                    ok = response.status_code == 200
                except httpx.TransportError:
                    ok = False
                run.stats.latencies["healthz"].append((time.perf_counter() - started) * 1000)
                if ok:
                    count += 1
                else:
                    run.stats.errors["healthz"] += 1

    began = time.perf_counter()
    await asyncio.gather(*(loop(i) for i in range(run.args.learners)))
    return count, time.perf_counter() - began


# --- main ----------------------------------------------------------------------


def reconcile(stats: Stats, stored: list[list]) -> tuple[int, int, list[str]]:
    """Acknowledged answers, how many the database shows, and what it shows wrongly.

    The last acknowledged answer per item must be stored, unless an answer sent
    after it whose reply never came (a connection error) was applied instead.
    """
    in_db = {(a, p): (sorted(s), f) for a, p, s, f in stored}
    answers_ok = answers_stored = 0
    problems = []
    for key, answers in stats.answers.items():
        acked = [i for i, (_, _, ok) in enumerate(answers) if ok]
        if not acked:
            continue
        answers_ok += len(acked)
        last = acked[-1]
        allowed = [(sel, flag) for sel, flag, _ in answers[last:]]  # later ones: outcome unknown
        got = in_db.get(key)
        if got is not None and got in allowed:
            answers_stored += len(acked)
        elif got is not None and got[0] in [sel for sel, _ in allowed]:
            answers_stored += len(acked)
            problems.append(f"attempt {key[0]} q{key[1]}: flag {got[1]} not as sent {allowed}")
        else:
            problems.append(f"attempt {key[0]} q{key[1]}: stored {got}, sent {allowed}")
    return answers_ok, answers_stored, problems


async def drive(
    run: Run, masters: list[int], chaos_log: list[str], cluster: tuple[str, str] | None
) -> float:
    run.logins_left = run.args.learners
    began = time.perf_counter()
    tasks = [learner(run, i) for i in range(run.args.learners)]
    if run.args.chaos:
        monkey = asyncio.create_task(chaos_monkey(run, masters, chaos_log))
    if cluster:
        restarter = asyncio.create_task(db_restarter(run, cluster, chaos_log))
    await asyncio.gather(*tasks)
    if run.args.chaos and not monkey.done():
        monkey.cancel()
        chaos_log.append("chaos: the run ended before the kill")
    if cluster:
        if run.outage_began is None:
            restarter.cancel()
            chaos_log.append("db-restart: the run ended before the outage")
        else:
            await restarter  # its finally starts PostgreSQL again
    return time.perf_counter() - began


def check_attempts(rows: list[list]) -> tuple[int, int, list[str]]:
    """Attempts not holding exactly their blueprint's items, finished ones graded
    inconsistently, and a description of each."""
    half_written = inconsistent = 0
    problems = []
    for pk, state, count, items, score, scored_count, scored, right, graded in rows:
        if items != count:
            half_written += 1
            problems.append(f"attempt {pk}: {items} items, its blueprint has {count}")
        if state == "in_progress":
            consistent = score is None and graded == 0
        else:
            consistent = score == right and scored_count == scored and graded == items
        if not consistent:
            inconsistent += 1
            problems.append(
                f"attempt {pk} ({state}): score {score} of {scored_count}, "
                f"items right {right} of {scored} scored, {graded}/{items} graded"
            )
    return half_written, inconsistent, problems


def count_tracebacks(logs: str) -> tuple[int, int]:
    """Tracebacks logged with the outage warning, and every other one (chained parts of
    one exception count once)."""
    expected = unexpected = 0
    previous = ""
    for line in logs.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            if previous.startswith(OUTAGE_WARNING):
                expected += 1
            elif not previous.startswith(CHAINED):
                unexpected += 1
        if line.strip():
            previous = line
    return expected, unexpected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--servers", type=int, default=1, help="gunicorn instances")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers each")
    parser.add_argument("--chaos", action="store_true", help="SIGKILL one worker mid-run")
    parser.add_argument(
        "--db-restart",
        type=float,
        default=0,
        metavar="SECONDS",
        help="stop the local PostgreSQL cluster mid-run for SECONDS, then start it (as root)",
    )
    parser.add_argument(
        "--think-ms",
        type=float,
        default=5000,
        help="mean pause before each action: 5 s is ten times a real learner's pace; "
        "300 or 0 saturates the servers (a capacity test)",
    )
    parser.add_argument(
        "--login-spread",
        type=float,
        default=10.0,
        help="seconds over which the learners sign in (0: all at the same moment)",
    )
    parser.add_argument("--ramp", type=float, default=2.0, help="seconds to spread exam starts")
    parser.add_argument("--healthz-seconds", type=float, default=3.0)
    parser.add_argument("--conn-max-age", type=int, default=None, help="CONN_MAX_AGE override")
    parser.add_argument(
        "--redis-url", default="", help="REDIS_URL for the servers (e.g. redis://127.0.0.1:6379/9)"
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get("LOAD_PG_URL", f"postgres://postgres@{HOST}:5432"),
        help="PostgreSQL server (no database name); a temp database is made there",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp directory and database")
    args = parser.parse_args()
    if args.chaos and args.db != "postgres":
        parser.error("--chaos runs against --db postgres")
    if args.db_restart and args.db != "postgres":
        parser.error("--db-restart runs against --db postgres")
    if not 0 <= args.db_restart <= 60:
        parser.error("--db-restart: keep the outage between 0 and 60 seconds")
    cluster = postgres_cluster(args.pg) if args.db_restart else None

    work = Path(tempfile.mkdtemp(prefix="srm-load-"))
    pg_name = None
    servers: list[tuple[subprocess.Popen, str]] = []
    try:
        if args.db == "postgres":
            pg_name, database_url = create_postgres_database(args.pg)
        else:
            database_url = f"sqlite:///{work / 'load.sqlite3'}"
        env = site_env(database_url, work / "static", args)
        password = "load-" + secrets.token_urlsafe(12)
        t0 = time.perf_counter()
        manage(env, "migrate", "--noinput")
        manage(env, "load_content")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        lessons = shell_json(env, SETUP_USERS.format(password=password, count=args.learners))
        print(
            f"setup: {args.db} database, content and {args.learners} learners "
            f"in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        servers = start_servers(env, args.servers, work)
        print(
            f"servers: {', '.join(url for _, url in servers)} × {args.workers} workers "
            f"(logs in {work})",
            flush=True,
        )

        run = Run(args, Stats(), [url for _, url in servers], password, lessons)
        chaos_log: list[str] = []
        elapsed = asyncio.run(drive(run, [p.pid for p, _ in servers], chaos_log, cluster))
        healthz_count, healthz_elapsed = asyncio.run(hammer_healthz(run, args.healthz_seconds))

        ids_file = work / "attempts.json"
        ids_file.write_text(json.dumps(run.stats.attempts))
        stored = shell_json(env, READ_ITEMS.format(path=str(ids_file)))
        attempt_rows = shell_json(env, READ_ATTEMPTS)
    finally:
        if cluster:
            ensure_postgres_running(cluster, args.pg)  # even if the run crashed mid-outage
        stop_servers(servers)
        if pg_name and not args.keep:
            drop_postgres_database(args.pg, pg_name)
        if args.redis_url and not args.keep:
            forget_sessions(args.redis_url)

    logs = "".join(p.read_text(errors="replace") for p in sorted(work.glob("gunicorn-*.log")))
    locked = logs.count("database is locked")
    outage_warnings, tracebacks = count_tracebacks(logs)
    timeouts = logs.count("WORKER TIMEOUT")
    booted = logs.count("Booting worker")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)

    stats = run.stats
    answers_ok, answers_stored, problems = reconcile(stats, stored)
    half_written, inconsistent, attempt_problems = check_attempts(attempt_rows)
    finished = sum(1 for row in attempt_rows if row[1] != "in_progress")
    outage_503s = sum(stats.outage_503s.values())
    lost = answers_ok - answers_stored
    errors = sum(stats.errors.values())
    answer_rate = len(stats.latencies["answer"]) / elapsed
    healthz_rate = healthz_count / healthz_elapsed

    print()
    print(
        f"{'endpoint':<12}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'errors':>8}"
    )
    for name in ENDPOINTS:
        values = stats.latencies.get(name, [])
        span = healthz_elapsed if name == "healthz" else elapsed
        print(
            f"{name:<12}{len(values):>10}{len(values) / span:>9.1f}"
            f"{percentile(values, 50):>9.0f}{percentile(values, 95):>9.0f}"
            f"{percentile(values, 99):>9.0f}{stats.errors.get(name, 0):>8}"
        )
    print()
    print(
        f"learner phase {elapsed:.1f} s; learners finished {stats.learners_done}/{args.learners}; "
        f"think {args.think_ms:g} ms; retried after a connection error: {stats.retried}"
    )
    print(
        f'server logs: "database is locked" {locked}, tracebacks {tracebacks}, '
        f"worker timeouts {timeouts}, workers booted {booted} "
        f"(started {args.servers * args.workers}); "
        f"database-outage warnings (503, exception logged) {outage_warnings}"
    )
    print(
        f"attempts: {len(attempt_rows)} in the database ({len(stats.attempts)} started by "
        f"learners), half-written {half_written}; finished {finished}, graded inconsistently "
        f"{inconsistent}"
    )
    if args.db_restart:
        by_endpoint = ", ".join(f"{name} {n}" for name, n in sorted(stats.outage_503s.items()))
        print(
            f"outage 503s (sent again after Retry-After, not errors): {outage_503s}"
            + (f" ({by_endpoint})" if by_endpoint else "")
        )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"load generator CPU {usage.ru_utime + usage.ru_stime:.1f} s "
        f"over {elapsed + healthz_elapsed:.1f} s of traffic"
    )
    for line in chaos_log:
        print(line)
    for kind, count in sorted(stats.error_kinds.items()):
        print(f"  {kind}: {count}")
    for problem in problems[:20]:
        print(f"  mismatch: {problem}")
    for problem in attempt_problems[:20]:
        print(f"  attempt: {problem}")
    print(
        f"learners={args.learners} answers_ok={answers_ok} answers_stored={answers_stored} "
        f"lost={lost} errors={errors} p99_ms={percentile(stats.latencies['answer'], 99):.0f} "
        f"healthz_ratio={answer_rate / healthz_rate if healthz_rate else 0:.3f} "
        f"outage_503s={outage_503s} half_written={half_written} inconsistent={inconsistent} "
        f"tracebacks={tracebacks}"
    )
    sys.exit(1 if lost or errors or half_written or inconsistent or tracebacks else 0)


if __name__ == "__main__":
    main()
