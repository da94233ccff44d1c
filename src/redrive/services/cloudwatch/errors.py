"""The errors CloudWatch metrics operations raise, by the code an SDK user sees.

All are :class:`~redrive.errors.ServiceError` (HTTP 400, sender fault). The codes are the
``error.code`` traits of the botocore ``cloudwatch`` model, except ``ValidationError``: the
generic code AWS answers GetMetricData's query validation with, which has no shape in the
model (observed against AWS: "The parameters MetricDataQueries.member.1.Period and
MetricDataQueries.member.1.MetricStat are mutually exclusive and you have specified both.").
"""

from __future__ import annotations

from redrive.errors import ServiceError


def invalid_value(message: str) -> ServiceError:
    """``InvalidParameterValue`` (shape InvalidParameterValueException)."""
    return ServiceError("InvalidParameterValue", message)


def invalid_combination(message: str) -> ServiceError:
    """``InvalidParameterCombination`` (shape InvalidParameterCombinationException)."""
    return ServiceError("InvalidParameterCombination", message)


def missing_parameter(message: str) -> ServiceError:
    """``MissingParameter`` (shape MissingRequiredParameterException)."""
    return ServiceError("MissingParameter", message)


def validation_error(message: str) -> ServiceError:
    """``ValidationError``: GetMetricData's answer to an invalid query."""
    return ServiceError("ValidationError", message)


def invalid_next_token() -> ServiceError:
    """``InvalidNextToken``: a token this request did not hand out."""
    return ServiceError("InvalidNextToken", "The service cannot process the NextToken.")


def not_supported(feature: str) -> ServiceError:
    """A valid request for a feature redrive does not emulate yet (``InvalidParameterValue``).

    The message always starts with "redrive does not support", so nobody mistakes it for
    something AWS would say.
    """
    return ServiceError("InvalidParameterValue", f"redrive does not support {feature} yet.")
