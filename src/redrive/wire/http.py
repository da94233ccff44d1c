"""Protocol-neutral HTTP request and response values passed between server and wire layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl


@dataclass
class HttpRequest:
    """One HTTP request as received.

    ``path`` is the raw (still percent-encoded) path without the query string; ``query`` the
    raw query string without ``?``; header names are lower-case.
    """

    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def query_params(self) -> list[tuple[str, str]]:
        """Decoded query-string pairs in order (blank values kept)."""
        return parse_qsl(self.query, keep_blank_values=True)


@dataclass
class HttpResponse:
    """One HTTP response to send. Header names keep the case given."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
