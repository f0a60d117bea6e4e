"""The shared-wording check: shipped text may carry the seeds' facts, not their sentences."""

from __future__ import annotations

import re
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
RUN = 12


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def seed_runs() -> set[str]:
    runs: set[str] = set()
    for path in sorted(SEEDS_DIR.iterdir()):
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
