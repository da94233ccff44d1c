"""Matching request URIs against the ``http.requestUri`` templates of REST operations.

A template has a path part and an optional query part::

    /2015-03-31/functions/{FunctionName}/invocations
    /{Bucket}/{Key+}?tagging
    /{Bucket}?list-type=2

* ``{Name}`` matches one non-empty path segment; ``{Name+}`` (greedy) matches the rest of
  the path, slashes included. Label values are percent-decoded.
* Literal query keys in the template (``tagging``; ``list-type=2`` also fixes the value) must
  be present in the request's query string.
* A trailing slash is optional on both sides, except after a greedy label, where it is part
  of the value (an S3 key ``dir/``).

When several operations of a service match one request, the most specific template wins:
more literal query keys, then more literal path characters, then fewer greedy labels, then
fewer labels; deprecated operations lose ties to their replacements (S3's
``GetBucketLifecycle`` and ``GetBucketLifecycleConfiguration`` share a template), and the
operation name breaks what remains so the choice is the same every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote

from botocore.model import OperationModel

__all__ = [
    "UriTemplate",
    "find_operation",
    "match_uri",
    "parse_template",
    "rank_operations",
]

_LABEL = re.compile(r"\{([^{}]+?)(\+?)\}")


@dataclass(frozen=True)
class UriTemplate:
    """One compiled ``requestUri`` template."""

    raw: str
    regex: re.Pattern[str]
    labels: tuple[str, ...]
    greedy_labels: int
    literal_chars: int
    #: required query keys, with the required value or None for any value
    query_literals: tuple[tuple[str, str | None], ...]

    def match(self, path: str, query: str = "") -> dict[str, str] | None:
        """The decoded label values if ``path`` (raw) and ``query`` satisfy the template."""
        found = self.regex.fullmatch(path)
        if found is None:
            return None
        if self.query_literals:
            present: dict[str, list[str]] = {}
            for key, value in parse_qsl(query, keep_blank_values=True):
                present.setdefault(key, []).append(value)
            for key, required in self.query_literals:
                if key not in present:
                    return None
                if required is not None and required not in present[key]:
                    return None
        return {label: unquote(found.group(f"g{index}")) for index, label in enumerate(self.labels)}

    def specificity(self) -> tuple[int, int, int, int]:
        """Sort key: the most specific template sorts first."""
        return (
            -len(self.query_literals),
            -self.literal_chars,
            self.greedy_labels,
            len(self.labels),
        )


@lru_cache(maxsize=4096)
def parse_template(template: str) -> UriTemplate:
    """Compile a ``requestUri`` template (cached)."""
    path, _, query = template.partition("?")
    if not path.startswith("/"):
        path = "/" + path
    pattern: list[str] = []
    labels: list[str] = []
    greedy = 0
    literal_chars = 0
    position = 0
    ends_greedy = False
    for label in _LABEL.finditer(path):
        literal = path[position : label.start()]
        pattern.append(re.escape(literal))
        literal_chars += len(literal)
        index = len(labels)
        labels.append(label.group(1))
        if label.group(2):
            greedy += 1
            pattern.append(f"(?P<g{index}>.+)")
        else:
            pattern.append(f"(?P<g{index}>[^/]+)")
        position = label.end()
        ends_greedy = bool(label.group(2)) and position == len(path)
    tail = path[position:]
    literal_chars += len(tail)
    if not ends_greedy and len(path) > 1:
        # A trailing slash is optional: ``/2015-03-31/functions/`` also matches without it.
        tail = tail.removesuffix("/")
        pattern.append(re.escape(tail) + "/?")
    else:
        pattern.append(re.escape(tail))
    query_literals: list[tuple[str, str | None]] = []
    for part in query.split("&") if query else []:
        if not part:
            continue
        key, sep, value = part.partition("=")
        query_literals.append((unquote(key), unquote(value) if sep else None))
    return UriTemplate(
        raw=template,
        regex=re.compile("".join(pattern)),
        labels=tuple(labels),
        greedy_labels=greedy,
        literal_chars=literal_chars,
        query_literals=tuple(query_literals),
    )


def _template(operation: OperationModel) -> UriTemplate:
    return parse_template(str(operation.http.get("requestUri", "/")))


def match_uri(operation: OperationModel, path: str, query: str = "") -> dict[str, str] | None:
    """Match a raw request ``path`` (and raw ``query``) against the operation's template.

    Returns the percent-decoded label values (``{}`` for a template without labels), or None
    when the request does not fit the template.
    """
    return _template(operation).match(path, query)


def rank_operations(operations: Iterable[OperationModel]) -> list[OperationModel]:
    """Operations sorted so the most specific template comes first (see module docstring)."""

    def key(operation: OperationModel) -> tuple[tuple[int, int, int, int], bool, str]:
        return (
            _template(operation).specificity(),
            bool(operation.deprecated),
            str(operation.name),
        )

    return sorted(operations, key=key)


def find_operation(
    ranked: Sequence[OperationModel], path: str, query: str = ""
) -> tuple[OperationModel, dict[str, str]] | None:
    """The first operation of ``ranked`` (see :func:`rank_operations`) whose template matches.

    ``ranked`` should hold only the operations with the request's HTTP method.
    """
    for operation in ranked:
        params = match_uri(operation, path, query)
        if params is not None:
            return operation, params
    return None
