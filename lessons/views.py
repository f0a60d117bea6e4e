"""Pages about the subject: home, the study path, lessons and the matrix."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from lessons.forms import CompareForm
from lessons.matrix import (
    MatrixContent,
    compare_stacks,
    matrix_as_json,
    owner_counts,
    responsibility_line,
)
from lessons.models import Layer, Lesson, Owner, Responsibility, Service
from lessons.progress import (
    completed_lesson_ids,
    first_unfinished,
    lesson_mark_complete,
    lesson_mark_incomplete,
    path_neighbours,
    path_progress,
)
from lessons.study_path import path_stops, study_path
from srm_site.shared.digest import content_digest
from srm_site.shared.hot_reads import lesson_service_rows
from srm_site.shared.http import HtmxHttpRequest
from srm_site.shared.reverse import reverse_cached


def _cells():
    return Responsibility.objects.only("service_id", "layer_id", "owner")


def _path_context(
    request: HtmxHttpRequest, path: list[Lesson], completed: set[int] | None = None
) -> dict:
    if completed is None:
        completed = completed_lesson_ids(user=request.user, session=request.session)
    return {
        "completed": completed,
        "progress": path_progress(path_ids=[lesson.pk for lesson in path], completed=completed),
        "continue_lesson": first_unfinished(path, completed),
    }


@require_GET
def home(request: HtmxHttpRequest) -> TemplateResponse:
    """What SRM Academy is, where the learner left off, and where to start."""
    path = study_path()
    context = {"lessons": path, "services": Service.objects.all(), **_path_context(request, path)}
    return TemplateResponse(request, "lessons/home.html", context)


@require_GET
def lesson_list(request: HtmxHttpRequest) -> TemplateResponse:
    """The study path, in order, with what the learner has finished."""
    path = study_path(with_prerequisites=True)
    context = {"lessons": path, **_path_context(request, path)}
    return TemplateResponse(request, "lessons/lesson_list.html", context)


@dataclass(frozen=True)
class ServiceLink:
    """A service the lesson is about, as its "See it in the matrix" list links to it."""

    pk: int
    slug: str
    name: str

    def get_absolute_url(self) -> str:
        return reverse_cached("lessons:matrix_service", slug=self.slug)


def article_version(lesson: Lesson, services: list[ServiceLink]) -> str:
    """A digest of everything the lesson's cached fragments show: edit any of it, new key."""
    fields = [getattr(lesson, field.attname) for field in Lesson._meta.concrete_fields]
    return content_digest(fields, services)


@require_GET
def lesson_detail(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    """One lesson; drafts are visible to staff only (a 404 for everyone else)."""
    user = request.user
    lesson = get_object_or_404(Lesson.objects.visible_to(user), slug=slug)
    path = path_stops(lesson=lesson, user=user)
    completed = None  # a guest's are in the session; staff may be reading a draft, off the path
    if user.is_authenticated and not user.is_staff:
        completed = {stop.pk for stop in path if stop.is_completed}
    previous_lesson, next_lesson = path_neighbours(path, lesson)
    services = [ServiceLink(*row) for row in lesson_service_rows(lesson.pk)]
    context = {
        "lesson": lesson,
        "article_version": article_version(lesson, services),
        "prerequisites": [stop for stop in path if stop.is_prerequisite],
        "services": services,
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        **_path_context(request, path, completed),
    }
    return TemplateResponse(request, "lessons/lesson_detail.html", context)


@require_POST
def lesson_complete(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Mark a lesson finished (or, with `undo`, not finished) for guest or learner."""
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)
    change = lesson_mark_incomplete if request.POST.get("undo") else lesson_mark_complete
    change(user=request.user, session=request.session, lesson=lesson)
    if not request.htmx:
        return redirect(lesson)
    path = list(Lesson.objects.published().only("pk"))
    context = {"lesson": lesson, "oob": True, **_path_context(request, path)}
    html = render_to_string(
        "lessons/lesson_detail.html#lesson-complete", context, request
    ) + render_to_string("lessons/_progress.html", context, request)
    return HttpResponse(html)


@require_GET
def matrix(request: HtmxHttpRequest) -> TemplateResponse:
    """The service × layer grid, every cell labelled with its owner."""
    content = MatrixContent.fetch()
    # The grid is rendered once per content version (a cached template fragment);
    # services and rows are only built when the fragment has to be rendered.
    services = SimpleLazyObject(content.service_objects)
    context = {
        "matrix_version": content.version,
        "services": services,
        "rows": SimpleLazyObject(lambda: content.grid(services)),
        "owners": Owner,
    }
    return TemplateResponse(request, "lessons/matrix.html", context)


@require_GET
@vary_on_headers("HX-Request")
def matrix_service(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    """One service's stack, bottom to top, with the line between AWS and customer."""
    service = get_object_or_404(Service, slug=slug)
    stack = list(service.responsibilities.select_related("layer").order_by("-layer__position"))
    context = {
        "service": service,
        "stack": stack,
        "line": responsibility_line(stack),
        "counts": owner_counts(stack),
    }
    template_name = "lessons/service_detail.html"
    if request.htmx:
        template_name += "#service-stack"
    else:
        context["services"] = Service.objects.all()
    return TemplateResponse(request, template_name, context)


def _comparison(a: Service, b: Service) -> dict:
    cells = list(Responsibility.objects.filter(service__in=[a, b]))
    comparison = compare_stacks(
        layers=Layer.objects.all(),
        a=[cell for cell in cells if cell.service_id == a.pk],
        b=[cell for cell in cells if cell.service_id == b.pk],
    )
    differences = sum(row.differs for row in comparison)
    return {"a": a, "b": b, "comparison": comparison, "differences": differences}


@require_GET
@vary_on_headers("HX-Request")
def matrix_compare(request: HtmxHttpRequest) -> TemplateResponse:
    """Two services side by side; layers whose owner differs are marked."""
    services = list(Service.objects.all())
    # Both slugs make a comparison; one alone (a link from a service page) pre-fills the form.
    if "a" in request.GET and "b" in request.GET:
        form = CompareForm(request.GET, services=services)
    else:
        form = CompareForm(initial=request.GET.dict(), services=services)
    context: dict = {"form": form, "comparison": None}
    status = 200
    if form.is_bound and form.is_valid():
        context.update(_comparison(*form.chosen()))
    elif form.is_bound:
        status = 400
    template_name = "lessons/matrix_compare.html"
    if request.htmx:
        template_name += "#comparison"
    return TemplateResponse(request, template_name, context, status=status)


@require_GET
def matrix_json(request: HtmxHttpRequest) -> JsonResponse:
    """The whole matrix as data: services, layers and each cell's owner."""
    data = matrix_as_json(
        services=Service.objects.all(), layers=Layer.objects.all(), cells=_cells()
    )
    return JsonResponse(data)
