"""The matrix rules, on unsaved objects: no database needed."""

from __future__ import annotations

from lessons.matrix import (
    compare_stacks,
    matrix_as_json,
    matrix_grid,
    owner_counts,
    responsibility_line,
)
from lessons.models import Layer, Responsibility, Service


def _layers(count: int) -> list[Layer]:
    return [Layer(pk=i, slug=f"l{i}", name=f"L{i}", position=i) for i in range(1, count + 1)]


def _cell(service: Service, layer: Layer, owner: str) -> Responsibility:
    return Responsibility(service=service, layer=layer, owner=owner)


def test_grid_puts_the_top_of_the_stack_first_and_services_in_column_order():
    layers = _layers(3)
    ec2, s3 = Service(pk=1, slug="ec2"), Service(pk=2, slug="s3")
    cells = [_cell(s, layer, "aws") for s in (ec2, s3) for layer in layers]
    rows = matrix_grid(services=[ec2, s3], layers=layers, cells=cells)
    assert [row.layer.position for row in rows] == [3, 2, 1]
    assert [cell.service_id for cell in rows[0].cells] == [1, 2]


def test_grid_leaves_a_gap_for_an_unwritten_cell_rather_than_guessing():
    layers = _layers(2)
    ec2 = Service(pk=1, slug="ec2")
    rows = matrix_grid(services=[ec2], layers=layers, cells=[_cell(ec2, layers[0], "aws")])
    assert rows[0].cells == [None]
    assert rows[1].cells[0].owner == "aws"


def test_line_falls_at_the_lowest_layer_the_customer_touches():
    layers = _layers(4)
    ec2 = Service(pk=1)
    stack = [
        _cell(ec2, layers[3], "customer"),
        _cell(ec2, layers[2], "shared"),
        _cell(ec2, layers[1], "aws"),
        _cell(ec2, layers[0], "aws"),
    ]
    assert responsibility_line(stack).layer.position == 3


def test_line_skips_layers_that_do_not_apply():
    layers = _layers(3)
    iam = Service(pk=1)
    stack = [
        _cell(iam, layers[0], "aws"),
        _cell(iam, layers[1], "n/a"),
        _cell(iam, layers[2], "customer"),
    ]
    assert responsibility_line(stack).layer.position == 3


def test_no_line_when_aws_secures_everything():
    layers = _layers(2)
    stack = [_cell(Service(pk=1), layer, "aws") for layer in layers]
    assert responsibility_line(stack) is None


def test_owner_counts_cover_every_owner():
    layers = _layers(4)
    s = Service(pk=1)
    counts = owner_counts(
        [
            _cell(s, layers[0], "aws"),
            _cell(s, layers[1], "aws"),
            _cell(s, layers[2], "n/a"),
            _cell(s, layers[3], "shared"),
        ]
    )
    assert (counts.aws, counts.customer, counts.shared, counts.not_applicable) == (2, 0, 1, 1)


def test_comparison_marks_only_layers_whose_owner_changes():
    layers = _layers(3)
    ec2, lam = Service(pk=1), Service(pk=2)
    rows = compare_stacks(
        layers=layers,
        a=[
            _cell(ec2, layers[0], "aws"),
            _cell(ec2, layers[1], "customer"),
            _cell(ec2, layers[2], "customer"),
        ],
        b=[
            _cell(lam, layers[0], "aws"),
            _cell(lam, layers[1], "aws"),
            _cell(lam, layers[2], "customer"),
        ],
    )
    assert [(row.layer.position, row.differs) for row in rows] == [
        (3, False),
        (2, True),
        (1, False),
    ]


def test_json_shape_names_cells_by_slug():
    layers = _layers(1)
    ec2 = Service(pk=7, slug="ec2", name="Amazon EC2")
    data = matrix_as_json(services=[ec2], layers=layers, cells=[_cell(ec2, layers[0], "shared")])
    assert data == {
        "services": [{"slug": "ec2", "name": "Amazon EC2"}],
        "layers": [{"slug": "l1", "name": "L1", "position": 1}],
        "cells": [{"service": "ec2", "layer": "l1", "owner": "shared"}],
    }
