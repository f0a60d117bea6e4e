"""The shared-wording check: shipped text may carry the seeds' facts, not their sentences."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = 12


def _origin_checkout() -> Path | None:
    """The checkout this one was cloned from, when that is a local folder (CI clones one)."""
    result = subprocess.run(
        ["git", "-C", str(ROOT), "remote", "get-url", "origin"],
        capture_output=True,
        text=True,
        check=False,
    )
    origin = Path(result.stdout.strip()) if result.returncode == 0 else None
    return origin if origin and origin.is_dir() else None


def find_seeds_dir() -> Path | None:
    """`../shared/seeds` beside this checkout, or beside the one it was cloned from.

    SRM_SEEDS_DIR overrides both.
    """
    candidates = [os.environ.get("SRM_SEEDS_DIR"), ROOT.parent / "shared" / "seeds"]
    if origin := _origin_checkout():
        candidates.append(origin.resolve().parent / "shared" / "seeds")
    return next((Path(c) for c in candidates if c and Path(c).is_dir()), None)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def seed_runs(seeds_dir: Path) -> set[str]:
    runs: set[str] = set()
    for path in sorted(seeds_dir.iterdir()):
        words = _words(path.read_text(encoding="utf-8", errors="replace"))
        runs.update(" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1))
    return runs


def shared_runs(text: str, runs: set[str]) -> list[str]:
    """Every 12-word run of `text` that also appears in a seed."""
    words = _words(text)
    return [
        " ".join(words[i : i + RUN])
        for i in range(len(words) - RUN + 1)
        if " ".join(words[i : i + RUN]) in runs
    ]
