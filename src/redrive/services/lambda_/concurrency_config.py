"""Reserved concurrency and the account's pools (CONC-3, CONC-4, CONC-5).

The account limit is the platform's ``account_concurrency`` (``--account-concurrency``,
CONC-2). Reservations come out of it; what is left is the unreserved pool, shared by every
function without a reservation. A reservation may not leave the unreserved pool below
``min(100, account limit)`` (CONC-4: 100 observed on 1,000-limit accounts, 10 and 50 on
10- and 50-limit accounts, so any positive reservation fails there). A reservation of 0 takes
nothing from the pool and is always allowed [inferred].
"""

from __future__ import annotations

from collections.abc import Mapping

from redrive.services._base import Output
from redrive.services.lambda_ import constants as c
from redrive.services.lambda_ import errors


def minimum_unreserved(account_limit: int) -> int:
    """The floor of the unreserved pool (CONC-4)."""
    return min(c.MIN_UNRESERVED_CONCURRENCY, account_limit)


def unreserved(account_limit: int, reserved: Mapping[str, int]) -> int:
    """``UnreservedConcurrentExecutions``: the limit minus every reservation (CONC-3)."""
    return max(0, account_limit - sum(reserved.values()))


def check_reservation(
    account_limit: int, reserved: Mapping[str, int], function_name: str, value: int
) -> None:
    """Refuse a reservation of ``value`` for ``function_name`` that breaks the floor.

    ``reserved`` holds the current reservations; the function's own (being replaced) does
    not count. A value above the account limit fails the same way (CONC-4).
    """
    if value == 0:
        return
    others = sum(v for name, v in reserved.items() if name != function_name)
    floor = minimum_unreserved(account_limit)
    if account_limit - others - value < floor:
        raise errors.unreserved_below_minimum(floor)


def account_settings(
    account_limit: int,
    reserved: Mapping[str, int],
    *,
    function_count: int,
    total_code_size: int,
) -> Output:
    """GetAccountSettings' answer (CONC-3)."""
    return {
        "AccountLimit": {
            "TotalCodeSize": c.TOTAL_CODE_SIZE,
            "CodeSizeUnzipped": c.CODE_SIZE_UNZIPPED,
            "CodeSizeZipped": c.CODE_SIZE_ZIPPED,
            "ConcurrentExecutions": account_limit,
            "UnreservedConcurrentExecutions": unreserved(account_limit, reserved),
        },
        "AccountUsage": {"TotalCodeSize": total_code_size, "FunctionCount": function_count},
    }
