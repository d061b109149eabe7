"""Reading numbers the way Vietnamese users type them: ``150.000``, ``150.000 ₫``, ``1,5``, ``150000đ``.

In Vietnamese the dot groups thousands and the comma marks decimals. VND has no decimals, so for whole
numbers (prices, stock, grams) an English-style ``150,000`` is read as thousands too.
"""

import re
from decimal import Decimal, InvalidOperation

_CURRENCY = re.compile(r"(₫|vnđ|vnd|đồng|dong|đ|d)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")


class NumberFormatError(ValueError):
    """The text is not a number in any format we read."""


def _normalise(text: str) -> str:
    value = _SPACES.sub("", str(text).strip())
    value = _CURRENCY.sub("", value)
    value = _SPACES.sub("", value)
    if value.startswith("₫"):
        value = value[1:]
    return value


def parse_decimal_vn(text: str | int | float | Decimal, *, whole: bool = False) -> Decimal:
    """Parse a Vietnamese- or English-formatted number. ``whole`` reads ``1,500`` as 1500 (else 1.5).

    Raises NumberFormatError for anything else (letters, two decimal marks, an empty string).
    """
    if isinstance(text, bool):
        raise NumberFormatError(str(text))
    if isinstance(text, int | Decimal):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    value = _normalise(text)
    if not value:
        raise NumberFormatError(text)
    sign = ""
    if value[0] in "+-":
        sign, value = ("-" if value[0] == "-" else ""), value[1:]
    if "." in value and "," in value:
        decimal_mark = "." if value.rfind(".") > value.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        value = value.replace(group_mark, "").replace(decimal_mark, ".")
    elif "." in value:
        if _GROUPED_DOT.match(value):
            value = value.replace(".", "")
    elif "," in value:
        value = value.replace(",", "") if whole and _GROUPED_COMMA.match(value) else value.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", value):
        raise NumberFormatError(text)
    try:
        return Decimal(sign + value)
    except InvalidOperation as exc:
        raise NumberFormatError(text) from exc


def parse_int_vn(text: str | int | float | Decimal) -> int:
    """A whole number (prices in VND, stock, grams); raises NumberFormatError when it has decimals."""
    number = parse_decimal_vn(text, whole=True)
    if number != number.to_integral_value():
        raise NumberFormatError(text)
    return int(number)
