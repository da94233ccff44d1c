"""Function names, partial and full ARNs, and qualifiers, read the way Lambda reads them.

``FunctionName`` may be any of (INV-1, the model's ``FunctionName`` pattern)::

    my-function                                          a name
    my-function:prod                                     a name and a qualifier
    123456789012:function:my-function[:prod]             a partial ARN
    arn:aws:lambda:us-east-1:123456789012:function:my-function[:prod]   a full ARN

(the pattern also lets ``function:`` and the region stand alone, and Lambda accepts those
too). A qualifier is ``$LATEST``, a version number or an alias name. Resolving a reference
against the caller checks, in AWS's order: an ARN of another account is refused with 403
``AccessDeniedException``, an ARN of another region with 404 ``Functions from '<r>' are not
reachable in this region ('<region>')`` (INV-10), and a ``Qualifier`` parameter that differs
from the one in the name with ``The derived qualifier from the function name does not match
the specified qualifier.``
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from redrive.errors import ServiceError
from redrive.services._base import partition
from redrive.services.lambda_ import errors

#: The model's NamespacedFunctionName pattern (GetFunction, Invoke), with named groups; INV-11.
NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)
_REFERENCE = re.compile(
    r"(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?"
    r"(?:(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?"
    r"(?:function:)?"
    r"(?P<name>[a-zA-Z0-9\-_.]+)"
    r"(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9\-_]+))?"
)


def function_arn(account_id: str, region: str, name: str, qualifier: str | None = None) -> str:
    """``arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]``."""
    arn = f"arn:{partition(region)}:lambda:{region}:{account_id}:function:{name}"
    return arn if qualifier is None else f"{arn}:{qualifier}"


@dataclass(frozen=True)
class FunctionRef:
    """What a ``FunctionName`` (plus ``Qualifier``) names, before looking it up."""

    name: str
    #: the effective qualifier: the ``Qualifier`` parameter or the one in the name, else None
    qualifier: str | None
    #: the region and account written in the ARN, if any
    region: str | None = None
    account: str | None = None
    #: whether the name itself carried a qualifier (``my-function:prod``)
    qualified_name: bool = False

    @property
    def is_bare_name(self) -> bool:
        """A plain name: no ARN parts and no qualifier."""
        return self.region is None and self.account is None and not self.qualified_name


def parse(text: str) -> FunctionRef | None:
    """The parts of a name, partial ARN or full ARN; None if it is none of them."""
    found = _REFERENCE.fullmatch(text)
    if found is None:
        return None
    qualifier = found.group("qualifier")
    return FunctionRef(
        name=found.group("name"),
        qualifier=qualifier,
        region=found.group("region"),
        account=found.group("account"),
        qualified_name=qualifier is not None,
    )


def resolve(
    text: str,
    *,
    account_id: str,
    region: str,
    qualifier: str | None = None,
    action: str = "GetFunction",
) -> FunctionRef:
    """Read ``text`` for a caller in ``account_id``/``region``; raise what AWS answers."""
    ref = parse(text)
    if ref is None:
        raise ServiceError(
            "ValidationException",
            f"1 validation error detected: Value '{text}' at 'functionName' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}",
        )
    if ref.account is not None and ref.account != account_id:
        raise errors.other_account(account_id, action, function_arn(ref.account, region, ref.name))
    if ref.region is not None and ref.region != region:
        raise errors.other_region(ref.region, region)
    if qualifier is not None and ref.qualifier is not None and qualifier != ref.qualifier:
        raise errors.qualifier_mismatch()
    effective = qualifier if qualifier is not None else ref.qualifier
    return FunctionRef(
        name=ref.name,
        qualifier=effective,
        region=ref.region,
        account=ref.account,
        qualified_name=ref.qualified_name,
    )


def invoked(
    text: str, *, account_id: str, region: str, qualifier: str | None = None
) -> FunctionRef:
    """:func:`resolve` for the internal interface: what an invoke of ``text`` names."""
    return resolve(
        text, account_id=account_id, region=region, qualifier=qualifier, action="InvokeFunction"
    )
