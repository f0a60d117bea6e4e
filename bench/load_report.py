"""The load test's report (bench/load.py): the figures and the verdict.

It owns the per-endpoint table (requests, req/s, p50/p95/p99, errors), the
server-log counts (tracebacks apart from the outage warnings the 503 page logs),
the summary lines, the machine-readable last line and the exit status: 1 unless
nothing acknowledged was lost and there were no errors, half-written or
inconsistently graded attempts, or tracebacks (the checks are load_scenario.py's).
"""

from __future__ import annotations

import argparse
import math
import resource

from load_client import Stats
from load_scenario import check_attempts, reconcile

ENDPOINTS = ["login form", "login", "lesson", "start", "question", "answer", "submit", "healthz"]

# What srm_site.middleware logs (with the exception) for each 503 it serves.
OUTAGE_WARNING = "Database unavailable, answered 503:"
CHAINED = ("The above exception was the direct cause", "During handling of the above exception")


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)  # nearest rank
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


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


def report(
    args: argparse.Namespace,
    stats: Stats,
    elapsed: float,
    healthz_count: int,
    healthz_elapsed: float,
    stored: list[list],
    attempt_rows: list[list],
    logs: str,
    chaos_log: list[str],
) -> int:
    """Print the figures and the verdict; the exit status (1 unless nothing went wrong)."""
    locked = logs.count("database is locked")
    outage_warnings, tracebacks = count_tracebacks(logs)
    timeouts = logs.count("WORKER TIMEOUT")
    booted = logs.count("Booting worker")

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
    return 1 if lost or errors or half_written or inconsistent or tracebacks else 0
