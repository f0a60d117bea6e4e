"""Pages about the subject: home and the responsibility matrix."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from lessons.forms import CompareForm
from lessons.matrix import (
    compare_stacks,
    matrix_as_json,
    matrix_grid,
    owner_counts,
    responsibility_line,
)
from lessons.models import Layer, Owner, Responsibility, Service
from srm_site.http import HtmxHttpRequest


def _cells():
    return Responsibility.objects.only("service_id", "layer_id", "owner")


@require_GET
def home(request: HtmxHttpRequest) -> TemplateResponse:
    """What SRM Academy is and where to start."""
    return TemplateResponse(request, "lessons/home.html", {"services": Service.objects.all()})


@require_GET
def matrix(request: HtmxHttpRequest) -> TemplateResponse:
    """The service × layer grid, every cell labelled with its owner."""
    services = list(Service.objects.all())
    rows = matrix_grid(services=services, layers=Layer.objects.all(), cells=_cells())
    context = {"services": services, "rows": rows, "owners": Owner}
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
        a, b = form.chosen()
        cells = list(Responsibility.objects.filter(service__in=[a, b]))
        context["comparison"] = compare_stacks(
            layers=Layer.objects.all(),
            a=[cell for cell in cells if cell.service_id == a.pk],
            b=[cell for cell in cells if cell.service_id == b.pk],
        )
        context.update(a=a, b=b)
        context["differences"] = sum(row.differs for row in context["comparison"])
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
