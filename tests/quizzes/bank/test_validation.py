from __future__ import annotations

import pytest

from quizzes.bank.grading import is_correct
from quizzes.bank.validation import ChoiceDraft, question_problems


def drafts(*specs):
    return [ChoiceDraft(text, correct) for text, correct in specs]


FOUR = drafts(("a", True), ("b", False), ("c", False), ("d", False))


def test_a_well_formed_single_question_passes():
    assert question_problems(kind="single", choose=1, choices=FOUR) == []


@pytest.mark.parametrize("kind", ["single", "owner"])
def test_single_and_owner_need_exactly_one_correct(kind):
    choices = (
        drafts(("AWS", True), ("Customer", True), ("Shared", False))
        if kind == "owner"
        else drafts(("a", True), ("b", True), ("c", False), ("d", False))
    )
    assert "Mark exactly one choice correct (now 2)." in question_problems(
        kind=kind, choose=1, choices=choices
    )


def test_no_correct_choice_is_refused():
    choices = drafts(("a", False), ("b", False))
    assert question_problems(kind="single", choose=1, choices=choices) == [
        "Mark exactly one choice correct (now 0)."
    ]


def test_owner_choices_must_be_aws_customer_shared():
    choices = drafts(("AWS", True), ("Customer", False), ("Nobody", False))
    assert any(
        "AWS, Customer, Shared" in p
        for p in question_problems(kind="owner", choose=1, choices=choices)
    )
    good = drafts(("AWS", False), ("Customer", True), ("Shared", False))
    assert question_problems(kind="owner", choose=1, choices=good) == []


def test_multiple_needs_two_correct():
    choices = drafts(("a", True), ("b", False), ("c", False), ("d", False), ("e", False))
    problems = question_problems(kind="multiple", choose=1, choices=choices)
    assert any("at least two correct" in p for p in problems)


def test_multiple_choose_must_equal_the_number_correct():
    choices = drafts(("a", True), ("b", True), ("c", True), ("d", False), ("e", False))
    assert question_problems(kind="multiple", choose=2, choices=choices) == [
        "“Choose” is 2 but 3 choices are marked correct; they must match."
    ]
    assert question_problems(kind="multiple", choose=3, choices=choices) == []


def test_at_least_two_choices_always():
    problems = question_problems(kind="single", choose=1, choices=drafts(("a", True)))
    assert "A question needs at least two choices." in problems


def test_single_must_choose_one():
    assert any("must be 1" in p for p in question_problems(kind="single", choose=2, choices=FOUR))


def test_unknown_kind_is_named():
    assert any(
        "Unknown kind" in p for p in question_problems(kind="essay", choose=1, choices=FOUR)
    )


class TestGrading:
    def test_multiple_is_all_or_nothing(self):
        assert is_correct(selected=[1, 2], correct=[2, 1])
        assert not is_correct(selected=[1], correct=[1, 2])  # half right is wrong
        assert not is_correct(selected=[1, 2, 3], correct=[1, 2])  # an extra pick is wrong

    def test_nothing_selected_is_wrong(self):
        assert not is_correct(selected=[], correct=[])
