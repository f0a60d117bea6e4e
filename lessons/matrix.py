"""Reading the responsibility matrix: the grid, one service's stack, a comparison.

Each function takes rows already fetched (a fixed number of queries) and only
arranges them, so the rules are testable without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lessons.models import Layer, Owner, Responsibility, Service
from srm_site.shared.digest import content_digest


@dataclass(frozen=True)
class GridRow:
    layer: Layer
    cells: list[Responsibility | None]  # one per service, in column order


@dataclass(frozen=True)
class ComparedLayer:
    layer: Layer
    a: Responsibility | None
    b: Responsibility | None

    @property
    def differs(self) -> bool:
        return _owner(self.a) != _owner(self.b)


def _owner(cell: Responsibility | None) -> str | None:
    return cell.owner if cell else None


def matrix_grid(
    *,
    services: Sequence[Service],
    layers: Sequence[Layer],
    cells: Iterable[Responsibility],
) -> list[GridRow]:
    """Rows for the service × layer grid, top of the stack first.

    A missing cell stays None so the page can say so rather than guess.
    """
    by_key = {(cell.service_id, cell.layer_id): cell for cell in cells}
    ordered = sorted(layers, key=lambda layer: layer.position, reverse=True)
    return [
        GridRow(layer=layer, cells=[by_key.get((s.pk, layer.pk)) for s in services])
        for layer in ordered
    ]


def responsibility_line(stack: Sequence[Responsibility]) -> Responsibility | None:
    """The lowest layer where the customer has work to do (owner customer or shared).

    Everything below it is secured by AWS alone (or does not apply). `stack` is
    bottom-to-top. None when AWS (or nobody) owns every layer.
    """
    for cell in sorted(stack, key=lambda c: c.layer.position):
        if cell.owner in (Owner.CUSTOMER, Owner.SHARED):
            return cell
    return None


@dataclass(frozen=True)
class OwnerCounts:
    aws: int
    customer: int
    shared: int
    not_applicable: int


def owner_counts(stack: Iterable[Responsibility]) -> OwnerCounts:
    """How many layers each owner holds."""
    owners = [cell.owner for cell in stack]
    return OwnerCounts(
        aws=owners.count(Owner.AWS),
        customer=owners.count(Owner.CUSTOMER),
        shared=owners.count(Owner.SHARED),
        not_applicable=owners.count(Owner.NOT_APPLICABLE),
    )


def compare_stacks(
    *,
    layers: Sequence[Layer],
    a: Iterable[Responsibility],
    b: Iterable[Responsibility],
) -> list[ComparedLayer]:
    """Two services layer by layer, top of the stack first."""
    a_by_layer = {cell.layer_id: cell for cell in a}
    b_by_layer = {cell.layer_id: cell for cell in b}
    ordered = sorted(layers, key=lambda layer: layer.position, reverse=True)
    return [
        ComparedLayer(layer=layer, a=a_by_layer.get(layer.pk), b=b_by_layer.get(layer.pk))
        for layer in ordered
    ]


def matrix_as_json(
    *,
    services: Iterable[Service],
    layers: Iterable[Layer],
    cells: Iterable[Responsibility],
) -> dict[str, list[dict[str, object]]]:
    """The public `/matrix.json` shape documented in DESIGN.md."""
    service_slugs = {}
    layer_slugs = {}
    out_services = []
    out_layers = []
    for service in services:
        service_slugs[service.pk] = service.slug
        out_services.append({"slug": service.slug, "name": service.name})
    for layer in layers:
        layer_slugs[layer.pk] = layer.slug
        out_layers.append({"slug": layer.slug, "name": layer.name, "position": layer.position})
    out_cells = [
        {
            "service": service_slugs[cell.service_id],
            "layer": layer_slugs[cell.layer_id],
            "owner": cell.owner,
        }
        for cell in cells
    ]
    return {"services": out_services, "layers": out_layers, "cells": out_cells}


@dataclass(frozen=True)
class MatrixContent:
    """Everything the matrix page's grid shows, as plain rows (three cheap queries).

    `version` fingerprints exactly those rows, so a rendered grid cached under it
    is right by construction: any edit that changes what the grid shows (an owner,
    a name, a slug, the order, a service or layer added or removed) is a new
    version. Nothing has to remember to invalidate it, in any process.
    """

    services: list[tuple]
    layers: list[tuple]
    cells: list[tuple]

    @classmethod
    def fetch(cls) -> MatrixContent:
        # In display order (the models' ordering): the order is part of what the grid shows.
        return cls(
            services=list(Service.objects.values_list("pk", "slug", "name", "short_name")),
            layers=list(Layer.objects.values_list("pk", "name", "position")),
            cells=sorted(
                Responsibility.objects.order_by().values_list("service_id", "layer_id", "owner")
            ),
        )

    @property
    def version(self) -> str:
        return content_digest(self.services, self.layers, self.cells)

    def service_objects(self) -> list[Service]:
        return [
            Service(pk=pk, slug=slug, name=name, short_name=short_name)
            for pk, slug, name, short_name in self.services
        ]

    def grid(self, services: Sequence[Service]) -> list[GridRow]:
        return matrix_grid(
            services=services,
            layers=[Layer(pk=pk, name=name, position=pos) for pk, name, pos in self.layers],
            cells=[
                Responsibility(service_id=service, layer_id=layer, owner=owner)
                for service, layer, owner in self.cells
            ],
        )
