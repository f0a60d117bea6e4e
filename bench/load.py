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

The job is split by module, beside this entry point (argument parsing, setting
up and tearing down, driving the run): load_client.py talks to the servers
(sessions, CSRF, each timed request), load_scenario.py is what one learner does
and the checks of what the database kept, load_servers.py starts and stops the
servers and the database (and --chaos, --db-restart), load_report.py prints the
figures and the verdict.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script (`python bench/load.py`): its folder is on sys.path, so the
# sibling modules import by name.
from load_client import Run, Stats, hammer_healthz
from load_report import report
from load_scenario import READ_ATTEMPTS, READ_ITEMS, SETUP_USERS, learner
from load_servers import (
    HOST,
    chaos_monkey,
    create_postgres_database,
    db_restarter,
    drop_postgres_database,
    ensure_postgres_running,
    forget_sessions,
    manage,
    postgres_cluster,
    shell_json,
    site_env,
    start_servers,
    stop_servers,
)


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
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(
        report(
            args,
            run.stats,
            elapsed,
            healthz_count,
            healthz_elapsed,
            stored,
            attempt_rows,
            logs,
            chaos_log,
        )
    )


if __name__ == "__main__":
    main()
