"""The load test's learner scenario (bench/load.py): what one simulated learner does.

Each learner logs in through the form (the accounts are made by SETUP_USERS
before the servers start), opens a lesson, starts the exam, answers every
question (some twice, some flagged), and submits, pausing about --think-ms
before each action. Afterwards the database is read back (READ_ITEMS,
READ_ATTEMPTS) and checked: no acknowledged answer is lost (`reconcile`), no
attempt is half-written or graded inconsistently (`check_attempts`). The
requests themselves go through load_client.py.
"""

from __future__ import annotations

import asyncio
import random
import re
import time

import httpx
from load_client import LearnerFailed, Run, Stats, call, token_of

BLUEPRINT = "quick-check"

CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="choice" value="(\d+)"')
OF_TOTAL = re.compile(r"question (\d+) of (\d+)", re.IGNORECASE)
CHOOSE = re.compile(r"Choose (\d+) answers")
ATTEMPT = re.compile(r"/attempts/(\d+)/")

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
