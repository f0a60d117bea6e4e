"""The load test's servers (bench/load.py): everything the learners run against.

It owns the site's environment, `manage.py` calls, the temp PostgreSQL database
(and the Redis sessions a run leaves), the gunicorn instances on free loopback
ports, and the two disruptions during a run: --chaos (SIGKILL one worker) and
--db-restart (stop the local PostgreSQL cluster, and always start it again).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from load_client import Run
from load_scenario import a_third_answered

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


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
