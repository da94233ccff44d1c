"""DynamoDB numbers: decimal strings of up to 38 significant digits, never floats.

A number arrives as a string. It is checked the way DynamoDB checks it (syntax, magnitude
between 1E-130 and 9.99...E+125, at most 38 significant digits) and stored in canonical form:
plain decimal notation with no exponent, no leading or trailing zeros and no sign on zero, as
DynamoDB returns numbers ("1.50" -> "1.5", "1e2" -> "100"; the dynalite suite checks this
against AWS: architect/dynalite ``validations/index.js``, ``checkNum``). Arithmetic (``SET a =
a + :n``, ``ADD``) is exact: it uses a :class:`decimal.Context` wide enough for any two valid
numbers, and the result is checked like any other number.

:func:`sort_key` maps a number to a string whose order (code point order, which is also the
store's byte order) is the numbers' order, so number keys sort numerically in the store::

    zero      "1"
    positive  "2" + (exponent + 200, 3 digits) + digits
    negative  "0" + (799 - exponent, 3 digits) + (9 - each digit) + "~"

where exponent is the position of the most significant digit (``Decimal.adjusted``) and the
digits have no trailing zeros. For negatives, a larger magnitude gives a smaller string, and
the closing ``~`` (above every digit) puts -1.2 ("...87~") before -1 ("...8~").
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal

from redrive.services.dynamodb import constants as c
from redrive.services.dynamodb import errors

#: the syntax DynamoDB accepts (no blanks, no "+" sign, no NaN or Infinity)
_SYNTAX = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
#: exact for the sum of any two valid numbers (126 + 130 digit positions apart)
_CONTEXT = decimal.Context(prec=400, Emax=10_000, Emin=-10_000, traps=[decimal.InvalidOperation])


def parse(text: str) -> Decimal:
    """The value of a number string; ValidationException if DynamoDB would refuse it."""
    if not text:
        raise errors.validation("The parameter cannot be converted to a numeric value")
    if not _SYNTAX.fullmatch(text):
        raise errors.validation(f"The parameter cannot be converted to a numeric value: {text}")
    value = Decimal(text)
    check(value)
    return value


def check(value: Decimal) -> None:
    """ValidationException if ``value`` is out of DynamoDB's range or precision."""
    if value.is_zero():
        return
    exponent = value.adjusted()
    if exponent > c.MAX_NUMBER_EXPONENT:
        raise errors.validation(
            "Number overflow. Attempting to store a number with magnitude larger than "
            "supported range"
        )
    if exponent < c.MIN_NUMBER_EXPONENT:
        raise errors.validation(
            "Number underflow. Attempting to store a number with magnitude smaller than "
            "supported range"
        )
    if len(_digits(value)) > c.MAX_NUMBER_DIGITS:
        raise errors.validation("Attempting to store more than 38 significant digits in a Number")


def canonical(value: Decimal) -> str:
    """``value`` in DynamoDB's plain notation."""
    if value.is_zero():
        return "0"
    return format(value.normalize(_CONTEXT), "f")


def normalize(text: str) -> str:
    """A number string as DynamoDB stores and returns it (checked)."""
    return canonical(parse(text))


def value(text: str) -> Decimal:
    """The value of a stored (already checked) number string."""
    return Decimal(text)


def add(left: str, right: str, *, subtract: bool = False) -> str:
    """``left + right`` (or ``-``) exactly, checked like any number."""
    a, b = Decimal(left), Decimal(right)
    result = _CONTEXT.subtract(a, b) if subtract else _CONTEXT.add(a, b)
    check(result)
    return canonical(result)


def _digits(value: Decimal) -> str:
    """The significant digits of a non-zero number (no leading or trailing zeros)."""
    return "".join(map(str, value.as_tuple().digits)).strip("0")


def significant_digits(text: str) -> int:
    """How many significant digits a stored number has (1 for zero)."""
    number = Decimal(text)
    return 1 if number.is_zero() else len(_digits(number))


def sort_key(text: str) -> str:
    """An order-preserving string for a stored number (see the module docstring)."""
    number = Decimal(text)
    if number.is_zero():
        return "1"
    digits = _digits(number)
    exponent = number.adjusted()
    if number > 0:
        return f"2{exponent + 200:03d}{digits}"
    flipped = "".join(chr(105 - ord(d)) for d in digits)  # 9 - d, as characters
    return f"0{799 - exponent:03d}{flipped}~"


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 as stored numbers compare."""
    a, b = Decimal(left), Decimal(right)
    return (a > b) - (a < b)
