"""Two schemas of one name are one component in the OpenAPI document, so one operation
documents the other's answer: ``GET /rooms/{id}`` (the household file) was documented as the
visit plan's ``HouseholdOut``, and a hot issue's events as a ticket's ``EventOut``. Every
schema the API reads or answers has a name of its own."""

from __future__ import annotations

import typing
from collections import defaultdict

from pydantic import BaseModel

from propdesk.api import api


def models_in(annotation, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            models_in(field.annotation, found)
    for argument in typing.get_args(annotation):
        models_in(argument, found)


def test_every_schema_of_the_api_has_a_name_of_its_own():
    found: set[type[BaseModel]] = set()
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    models_in(model, found)
    by_name = defaultdict(set)
    for model in found:
        if model.__module__.startswith("propdesk."):
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")

    assert {name: sorted(where) for name, where in by_name.items() if len(where) > 1} == {}
    assert "HouseholdFileOut" in by_name  # the walk reaches the answers' schemas
