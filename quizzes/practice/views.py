"""Practice: pick a topic, answer one question at a time, get explained feedback."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lessons.models import Layer, Lesson, Service
from quizzes.models import PracticeAnswer, Question, QuestionReport, ReviewCard
from quizzes.practice import session as practice_session
from quizzes.practice.forms import ReportForm
from quizzes.practice.guest_limit import guest_answer_wait, too_fast, too_fast_message
from quizzes.practice.questions import (
    DRILL_OWNERS,
    AnswerError,
    as_id,
    drill_answer,
    drill_cells,
    drill_pick,
    drill_stem,
    question_answer,
    question_for_answer,
    question_pick,
    ticked_choices,
    topic_from_key,
    topic_get_or_404,
    topic_named,
)
from quizzes.review.cards import due_count
from srm_site.shared.http import HtmxHttpRequest


@require_GET
def practice_home(request: HtmxHttpRequest) -> TemplateResponse:
    """Choose what to practise."""
    context = {
        "services": Service.objects.all(),
        "layers": Layer.objects.all(),
        "lessons": Lesson.objects.published().only("slug", "title"),
    }
    return TemplateResponse(request, "quizzes/practice_home.html", context)


@require_GET
def practice_topic(request: HtmxHttpRequest, kind: str, slug: str = "") -> HttpResponse:
    """The next question on a topic (a service, layer, lesson, the whole bank, or a
    learner's own set: the questions they got wrong, or haven't seen)."""
    topic = topic_get_or_404(kind, slug)
    if topic.is_personal and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    question = question_pick(
        topic=topic,
        recent=practice_session.recent(request.session, topic.key),
        user=request.user,
    )
    if question:
        practice_session.remember_shown(request.session, topic.key, question.pk)
    return _question_page(request, topic=topic, question=question)


@require_GET
def practice_question(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    """One given question; staff may preview drafts here exactly as learners see them."""
    questions = Question.objects.all() if request.user.is_staff else Question.objects.published()
    question = get_object_or_404(questions.prefetch_related("choices"), pk=pk)
    topic = topic_get_or_404("mixed")
    return _question_page(request, topic=topic, question=question)


def _question_page(
    request, *, topic, question, error: str = "", ticked: set[int] = frozenset(), status: int = 200
):
    context = {
        "topic": topic,
        "question": question,
        "error": error,
        "ticked": ticked,
        "tally": practice_session.tally(request.session, topic.key),
    }
    return TemplateResponse(request, "quizzes/practice_question.html", context, status=status)


@require_POST
def practice_answer(request: HtmxHttpRequest) -> HttpResponse:
    """Grade an answer. htmx gets the feedback in place; a plain POST is redirected to it."""
    question = question_for_answer(request.POST.get("question", ""))
    topic = topic_from_key(request.POST.get("topic", "")) or topic_get_or_404("mixed")
    in_lesson = request.POST.get("in_lesson") == "1"
    if wait := guest_answer_wait(request):
        here = reverse("quizzes:practice_question", args=[question.pk])
        refused = _answer_refused(
            request,
            topic=topic,
            question=question,
            error=too_fast_message(request, wait, here=here),
            ticked=ticked_choices(question, request.POST.getlist("choice")),
            in_lesson=in_lesson,
        )
        return too_fast(refused, wait)
    try:
        answer = question_answer(
            user=request.user,
            question=question,
            selected=request.POST.getlist("choice"),
            topic_key=topic.key,
            sure=request.POST.get("sure") != "0",
        )
    except AnswerError as error:
        ticked = ticked_choices(question, request.POST.getlist("choice"))
        return _answer_refused(
            request,
            topic=topic,
            question=question,
            error=str(error),
            ticked=ticked,
            in_lesson=in_lesson,
        )
    return _answered(request, answer=answer, topic=topic, tally=not in_lesson)


@require_GET
def practice_drill(request: HtmxHttpRequest) -> TemplateResponse:
    """An owner question generated from a random matrix cell."""
    topic = topic_get_or_404("drill")
    cell = drill_pick(recent=practice_session.recent(request.session, topic.key))
    if cell:
        practice_session.remember_shown(request.session, topic.key, cell.pk)
    return _drill_page(request, topic=topic, cell=cell)


def _drill_page(request, *, topic, cell, error: str = "", status: int = 200):
    context = {
        "topic": topic,
        "cell": cell,
        "stem": drill_stem(cell) if cell else "",
        "owners": DRILL_OWNERS,
        "error": error,
        "tally": practice_session.tally(request.session, topic.key),
    }
    return TemplateResponse(request, "quizzes/practice_drill.html", context, status=status)


@require_POST
def practice_drill_answer(request: HtmxHttpRequest) -> HttpResponse:
    """Grade a drill answer against the matrix."""
    topic = topic_get_or_404("drill")
    cell = get_object_or_404(drill_cells(), pk=as_id(request.POST.get("cell")))
    if wait := guest_answer_wait(request):
        error = too_fast_message(request, wait, here=reverse("quizzes:practice_drill"))
        return too_fast(_drill_refused(request, topic=topic, cell=cell, error=error), wait)
    try:
        answer = drill_answer(user=request.user, cell=cell, owner=request.POST.get("owner", ""))
    except AnswerError as error:
        return _drill_refused(request, topic=topic, cell=cell, error=str(error))
    return _answered(request, answer=answer, topic=topic)


def _drill_refused(request, *, topic, cell, error: str) -> HttpResponse:
    """Bad input (or a guest answering too fast): say what to fix, keep the cell, store nothing."""
    if request.htmx:
        context = {"cell": cell, "stem": drill_stem(cell), "owners": DRILL_OWNERS}
        context.update(error=error, topic=topic)
        return TemplateResponse(request, "quizzes/_drill_card.html", context)
    return _drill_page(request, topic=topic, cell=cell, error=error, status=400)


def _answer_refused(
    request, *, topic, question, error: str, ticked: set[int], in_lesson: bool = False
) -> HttpResponse:
    """Bad input (or a guest answering too fast): say what to fix, keep the question and
    the learner's ticks, store nothing."""
    if request.htmx:
        context = {
            "question": question,
            "choices": question.choices.all(),
            "topic": topic,
            "error": error,
            "ticked": ticked,
            "in_lesson": in_lesson,
        }
        return TemplateResponse(request, "quizzes/_question_card.html", context)
    return _question_page(
        request, topic=topic, question=question, error=error, ticked=ticked, status=400
    )


def _answered(request, *, answer: PracticeAnswer, topic, tally: bool = True) -> HttpResponse:
    counts = practice_session.remember_answer(request.session, answer)
    if not request.htmx:
        return redirect("quizzes:practice_feedback", pk=answer.pk)
    context = {**_feedback_context(answer), "topic": topic, "tally": counts, "oob": True}
    html = render_to_string("quizzes/_feedback_card.html", context, request)
    # A lesson's check-yourself box has no tally: an out-of-band swap with no
    # target is an htmx error in the learner's console.
    if tally:
        html += render_to_string("quizzes/_tally.html", context, request)
    if request.user.is_authenticated:  # a guest's header has no Review link
        context["review_due"] = due_count(request.user)
        html += render_to_string("quizzes/_review_counts.html", context, request)
    return HttpResponse(html)


def _feedback_context(answer: PracticeAnswer) -> dict:
    if answer.cell_id:
        cell = answer.cell
        return {"answer": answer, "cell": cell, "stem": drill_stem(cell), "owners": DRILL_OWNERS}
    selected = set(answer.selected)
    choices = list(answer.question.choices.all())
    if not hasattr(answer, "card"):  # set when just answered; look it up for a revisit
        answer.card = (
            ReviewCard.objects.filter(user_id=answer.user_id, question_id=answer.question_id)
            .select_related("question__lesson")
            .first()
            if answer.user_id
            else None
        )
    return {
        "answer": answer,
        "question": answer.question,
        "choices": choices,
        "picked": [choice for choice in choices if choice.pk in selected],
        "selected": selected,
        "report_form": ReportForm(),
    }


@require_GET
def practice_feedback(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    """The feedback page a plain (no-JavaScript) answer lands on."""
    answer = get_object_or_404(
        PracticeAnswer.objects.select_related(
            "question__lesson", "cell__service", "cell__layer"
        ).prefetch_related("question__choices"),
        pk=pk,
    )
    if not practice_session.may_view(request.session, request.user, answer):
        raise Http404("No such answer.")
    topic = topic_named(answer.topic)
    context = {
        **_feedback_context(answer),
        "topic": topic,
        "tally": practice_session.tally(request.session, topic.key),
    }
    return TemplateResponse(request, "quizzes/practice_feedback.html", context)


@login_required
@require_POST
def question_report(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Report a problem with a question; a second report by the same learner updates the first."""
    question = get_object_or_404(Question.objects.published(), pk=pk)
    form = ReportForm(request.POST)
    context = {"question": question, "report_form": form}
    if form.is_valid():
        report, created = QuestionReport.objects.update_or_create(
            question=question,
            user=request.user,
            defaults={**form.cleaned_data, "resolved_at": None, "created_at": timezone.now()},
        )
        context.update(report=report, created=created)
    template = "quizzes/_report.html"
    if request.htmx:
        return TemplateResponse(request, template, context, status=200)
    if form.is_valid():
        return TemplateResponse(request, "quizzes/report_done.html", context)
    return TemplateResponse(request, "quizzes/report_done.html", context, status=400)
