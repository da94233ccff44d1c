"""The filter-pattern language of FilterLogEvents, compiled once per request.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html

* empty (or blank): every event matches;
* ``{ ... }``: a JSON pattern (:mod:`~redrive.services.logs.filter_json`);
* ``[ ... ]``: a space-delimited pattern (:mod:`~redrive.services.logs.filter_delimited`);
* otherwise terms, separated by whitespace, each a bare word, a ``"quoted phrase"`` or a
  ``%regex%``:

  - a plain term must appear in the message (all of them, case-sensitive);
  - ``?term``: at least one of the ``?`` terms must appear;
  - ``-term``: the term must not appear.

Choices where the documentation is silent, following observed AWS behaviour: a term matches
anywhere in the message, also inside a longer word (``ERROR`` matches ``ERRORNEOUS``, observed
in github.com/Radek-Pysny/radek-pysny.github.io ``_posts/2025-03-30-aws-cloud-watch-vol-1.md``);
when plain terms and ``?`` terms are mixed, the ``?`` terms are ignored (same source). Bare
terms may not contain characters that have a meaning in the other pattern forms (see
:data:`_BARE_REFUSED`); quote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from redrive.services.logs.constants import MAX_FILTER_PATTERN_LENGTH, MAX_REGEX_PER_PATTERN
from redrive.services.logs.filter_delimited import compile_delimited_pattern
from redrive.services.logs.filter_json import compile_json_pattern
from redrive.services.logs.filter_values import (
    FilterPatternError,
    Matcher,
    compile_regex,
    read_quoted,
)

__all__ = ["FilterPatternError", "Matcher", "compile_filter_pattern"]

_BARE_REFUSED = set(':"[]{}()=<>|&,\\')


def compile_filter_pattern(text: str | None) -> Matcher:
    """A predicate on messages for ``text``; :class:`FilterPatternError` if it is invalid."""
    if text is None or not text.strip():
        return _match_all
    if len(text) > MAX_FILTER_PATTERN_LENGTH:
        raise FilterPatternError(f"longer than {MAX_FILTER_PATTERN_LENGTH} characters")
    stripped = text.strip()
    if stripped.startswith("{"):
        return compile_json_pattern(stripped)
    if stripped.startswith("["):
        return compile_delimited_pattern(stripped)
    return _compile_terms(stripped)


def _match_all(_message: str) -> bool:
    return True


@dataclass(frozen=True)
class _Term:
    mode: str  # "", "?" or "-"
    text: str
    regex: re.Pattern[str] | None = None

    def found_in(self, message: str) -> bool:
        if self.regex is not None:
            return self.regex.search(message) is not None
        return self.text in message


def _compile_terms(text: str) -> Matcher:
    terms = _parse_terms(text)
    if sum(1 for t in terms if t.regex is not None) > MAX_REGEX_PER_PATTERN:
        raise FilterPatternError(
            f"at most {MAX_REGEX_PER_PATTERN} regular expressions are allowed in a pattern"
        )
    required = [t for t in terms if t.mode == ""]
    optional = [] if required else [t for t in terms if t.mode == "?"]
    excluded = [t for t in terms if t.mode == "-"]

    def match(message: str) -> bool:
        return (
            all(t.found_in(message) for t in required)
            and (not optional or any(t.found_in(message) for t in optional))
            and not any(t.found_in(message) for t in excluded)
        )

    return match


def _parse_terms(text: str) -> list[_Term]:
    terms: list[_Term] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        mode = ""
        if text[i] in "?-":
            mode = text[i]
            i += 1
            if i == n or text[i].isspace():
                raise FilterPatternError(f"{mode!r} must be followed by a term")
        if text[i] == '"':
            i, phrase = read_quoted(text, i)
            if not phrase:
                raise FilterPatternError("empty quoted term")
            terms.append(_Term(mode, phrase))
        elif text[i] == "%":
            end = text.find("%", i + 1)
            if end < 0:
                raise FilterPatternError(f"unterminated regular expression at {i}")
            body = text[i + 1 : end]
            terms.append(_Term(mode, body, compile_regex(body)))
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace():
                i += 1
            word = text[start:i]
            bad = sorted(set(word) & _BARE_REFUSED)
            if bad:
                raise FilterPatternError(
                    f"invalid character(s) {''.join(bad)!r} in term '{word}'; "
                    "enclose terms with such characters in double quotes"
                )
            terms.append(_Term(mode, word))
        if i < n and not text[i].isspace():
            raise FilterPatternError(f"expected whitespace after the term ending at {i}")
    return terms
