"""Who may run now: in-flight invocations against reserved and unreserved pools (CONC).

In-flight counts live in memory: they describe running worker processes, which do not survive a
restart either. The reservations themselves are configuration and live in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Reasons of a 429 TooManyRequestsException (INV-12, CONC-7)
RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded"

FunctionKey = tuple[str, str, str]  # account, region, function name
RegionKey = tuple[str, str]


@dataclass
class ConcurrencyTracker:
    """Counts of running invocations per function and per region's unreserved pool."""

    _functions: dict[FunctionKey, int] = field(default_factory=dict)
    _unreserved: dict[RegionKey, int] = field(default_factory=dict)

    def try_acquire(
        self, function: FunctionKey, *, reserved: int | None, unreserved_pool: int
    ) -> str | None:
        """Take a slot, or return the throttle reason (CONC-7, CONC-8).

        ``reserved`` is the function's reservation (None: it draws on the unreserved pool of
        ``unreserved_pool`` slots shared by every function without a reservation, CONC-6).
        """
        running = self._functions.get(function, 0)
        region = function[:2]
        if reserved is not None:
            if running >= reserved:
                return RESERVED_LIMIT
        elif self._unreserved.get(region, 0) >= unreserved_pool:
            return ACCOUNT_LIMIT
        self._functions[function] = running + 1
        if reserved is None:
            self._unreserved[region] = self._unreserved.get(region, 0) + 1
        return None

    def release(self, function: FunctionKey, *, reserved: int | None) -> None:
        self._functions[function] -= 1
        if not self._functions[function]:
            del self._functions[function]
        if reserved is None:
            region = function[:2]
            self._unreserved[region] -= 1

    def running(self, function: FunctionKey) -> int:
        """Invocations of ``function`` in flight (the ConcurrentExecutions metric, OBS-6)."""
        return self._functions.get(function, 0)

    def running_in_region(self, account: str, region: str) -> int:
        return sum(n for (a, r, _), n in self._functions.items() if (a, r) == (account, region))
