"""The per-service tables of redrive.wire.quirks agree with the botocore models they patch.

A botocore upgrade that renames, adds or drops a shape the tables name fails here, not on the
wire.
"""

from __future__ import annotations

import pytest
from botocore.model import ServiceModel, Shape

from redrive.wire import quirks, specs
from redrive.wire.shapes import error_shape


@pytest.mark.parametrize("service", sorted(quirks.QUERY_ERROR_CODES))
def test_every_error_shape_has_a_legacy_code_and_no_other(service: str) -> None:
    model = specs.service_model(service)
    assert {shape.name for shape in model.error_shapes} == set(quirks.QUERY_ERROR_CODES[service])


@pytest.mark.parametrize(("shape", "entry"), sorted(quirks.QUERY_ERROR_CODES["sqs"].items()))
def test_sqs_error_table_is_what_the_error_lookup_uses(shape: str, entry: tuple[str, int]) -> None:
    model = specs.service_model("sqs")
    code, status = entry
    by_shape = error_shape(model, shape)
    assert (by_shape.shape_name, by_shape.query_code, by_shape.status) == (shape, code, status)
    assert error_shape(model, code) == by_shape  # raised by its legacy code


def test_unmodelled_codes_map_to_themselves() -> None:
    info = error_shape(specs.service_model("sqs"), "InvalidParameterValue")
    assert (info.shape_name, info.query_code, info.status) == (
        "InvalidParameterValue",
        "InvalidParameterValue",
        400,
    )


def _named(model: ServiceModel, where: str) -> Shape:
    """The shape or member a QUERY_NAMES key names (``Shape``, ``Shape.Member``, ...)."""
    shape_name, _, part = where.partition(".")
    shape = model.shape_for(shape_name)
    if not part:
        return shape
    if shape.type_name == "structure":
        return shape.members[part]
    named: Shape = getattr(shape, part)  # a list's member, a map's key or value
    return named


@pytest.mark.parametrize("service", sorted(quirks.QUERY_NAMES))
def test_every_query_name_is_applied_and_needed(service: str) -> None:
    names = quirks.QUERY_NAMES[service]
    plain = specs.service_model(service)
    model = specs.query_model(plain)
    assert model is not plain
    assert model is specs.query_model(plain)  # built once
    assert model.metadata["xmlNamespace"] == names.xml_namespace
    for where, location_name in names.location_names.items():
        assert _named(model, where).serialization.get("name") == location_name, where
        assert _named(plain, where).serialization.get("name") != location_name, where


def test_query_model_adds_result_wrappers_and_leaves_other_services_alone() -> None:
    model = specs.query_model(specs.service_model("sqs"))
    operation = model.operation_model("ReceiveMessage")
    assert operation.output_shape.serialization["resultWrapper"] == "ReceiveMessageResult"
    sns = specs.service_model("sns")
    assert specs.query_model(sns) is sns


def test_query_url_members_are_members_of_the_service() -> None:
    for service, member in quirks.QUERY_URL_MEMBERS.items():
        model = specs.service_model(service)
        assert any(
            member in model.operation_model(name).input_shape.members
            for name in model.operation_names
            if model.operation_model(name).input_shape is not None
        )


def test_member_errors_name_members_of_their_operations() -> None:
    for (service, operation, path), rule in quirks.MEMBER_ERRORS.items():
        shape = specs.service_model(service).operation_model(operation).input_shape
        assert shape is not None
        assert path in {name[:1].lower() + name[1:] for name in shape.members}
        assert "{value}" in rule.message
