"""The load test's HTTP client (bench/load.py): how it talks to the servers.

It owns the state one run shares (`Run`, and `Stats`: every call's latency and
failure, plus what the learners sent), the timed request (`call`: a connection
error retried once under --chaos, a 503 during --db-restart's outage sent again
after its Retry-After), the CSRF token of a page, and the /healthz yardstick.
What a learner does with it is in load_scenario.py; the figures, in load_report.py.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import ssl
import time
from collections import defaultdict
from dataclasses import dataclass, field

import httpx

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A 503 to a request sent up to this long after PostgreSQL accepts again is the outage's.
OUTAGE_MARGIN = 1.0


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
