"""What practice remembers in the visitor's session: recent questions, tallies, answers.

Stored answers themselves live in the database (PracticeAnswer); the session
only lets a guest find their own again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase

from quizzes.models import PracticeAnswer
from quizzes.practice.questions import RECENT_LIMIT

KEY = "practice"


@dataclass(frozen=True)
class Tally:
    answered: int = 0
    correct: int = 0


def _state(session: SessionBase) -> dict:
    return session.get(KEY) or {"recent": {}, "tally": {}, "answers": []}


def recent(session: SessionBase, topic_key: str) -> list[int]:
    return _state(session)["recent"].get(topic_key, [])


def tally(session: SessionBase, topic_key: str) -> Tally:
    answered, correct = _state(session)["tally"].get(topic_key, (0, 0))
    return Tally(answered=answered, correct=correct)


def remember_shown(session: SessionBase, topic_key: str, pk: int) -> None:
    state = _state(session)
    seen = [item for item in state["recent"].get(topic_key, []) if item != pk]
    state["recent"][topic_key] = [*seen, pk][-RECENT_LIMIT:]
    session[KEY] = state


def remember_answer(session: SessionBase, answer: PracticeAnswer) -> Tally:
    """Count the answer towards its topic's tally and let this visitor see it again."""
    state = _state(session)
    answered, correct = state["tally"].get(answer.topic, (0, 0))
    state["tally"][answer.topic] = (answered + 1, correct + int(answer.correct))
    state["answers"] = [*state["answers"], answer.pk][-100:]
    session[KEY] = state
    return tally(session, answer.topic)


def may_view(session: SessionBase, user, answer: PracticeAnswer) -> bool:
    """Learners see their own answers; guests see the ones given in this session."""
    if answer.user_id is not None:
        return user.is_authenticated and answer.user_id == user.pk
    return answer.pk in _state(session)["answers"]
