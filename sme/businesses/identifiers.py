"""Business identifiers: the enterprise tax code (MST), its branch form, and the 12-digit personal ID.

Pure functions, no database: sme.imports and the officers' adoption register reuse them to read
spreadsheets. Rules (domain notes §A2):

- enterprise tax code: 10 digits, digits 3-9 not all zero, digit 10 a mod-11 check digit
  (weights 31, 29, 23, 19, 17, 13, 7, 5, 3), checked with ``stdnum.vn.mst``;
- branch (dependent unit): the parent's 10 digits, a dash, and a branch number 001-999;
- household businesses (and individuals) since 1 July 2025: the owner's 12-digit personal
  identification number. It has no public check digit; its first three digits are the code of the
  province where the birth was registered, and that code is checked (``PERSONAL_ID_PROVINCE_CODES``).
  python-stdnum (2.2) has no module for this number, hence the small table below.

Spaces, dots and dashes are separators. A number that lost its leading zeros (an Excel cell formatted as a
number) is padded only when it arrives as an ``int``; a text with too few digits is bad data and is refused.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.vn import mst

from .models import LegalForm

SEPARATORS = " .-\u00a0\t"

# The first three digits of a personal identification number: the province where the birth was registered
# (Decree 137/2015/NĐ-CP Art. 13; Circular 07/2016/TT-BCA, Appendix I, kept by Circular 59/2021/TT-BCA).
# They are the GSO codes of the 63 provinces before July 2025, 001 Hà Nội to 096 Cà Mau, with gaps (003,
# 005, ... are no province). The 34 provinces since July 2025 reuse 34 of these codes, so the set holds.
PERSONAL_ID_PROVINCE_CODES = frozenset({
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024",
    "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045",
    "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070",
    "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
    "094", "095", "096",
})


class IdentifierKind(models.TextChoices):
    TAX_CODE = "tax_code", _("Tax code")
    BRANCH_TAX_CODE = "branch_tax_code", _("Branch tax code")
    PERSONAL_ID = "personal_id", _("Personal identification number")


@dataclass(frozen=True)
class Identifier:
    """A normalised identifier: ``value`` is what ``Business.identifier`` stores."""

    value: str
    kind: IdentifierKind

    def __str__(self) -> str:
        return self.value


def _digits_only(text: str) -> str:
    cleaned = "".join(ch for ch in text.strip() if ch not in SEPARATORS)
    bad = sorted({ch for ch in cleaned if not ch.isdigit() or not ch.isascii()})
    if bad:
        raise ValidationError(
            _("The number may contain only digits, spaces, dots and dashes; remove “%(chars)s”."),
            code="invalid_characters",
            params={"chars": "".join(bad)},
        )
    return cleaned


def _pad_number(digits: str, *, legal_form: str | None) -> str:
    """Put back leading zeros a spreadsheet dropped. Only called for values that came in as numbers."""
    if legal_form == LegalForm.HOUSEHOLD:
        # Personal IDs start with a 3-digit province code 001-096, so 1 or 2 zeros can be lost.
        return digits.zfill(12) if len(digits) in (10, 11) else digits
    if legal_form:
        if len(digits) == 9:
            return digits.zfill(10)
        if len(digits) == 12:  # a branch code typed without its dash, first zero lost
            return digits.zfill(13)
        return digits
    if len(digits) == 9:
        return digits.zfill(10)
    if len(digits) == 11:
        return digits.zfill(12)
    return digits


def _check_tax_code(digits: str) -> None:
    if digits[2:9] == "0000000":
        raise ValidationError(
            _("Digits 3 to 9 of a tax code cannot all be zero: check the number."), code="zero_sequence"
        )
    expected = mst.calc_check_digit(digits[:9])
    if expected == "10":
        raise ValidationError(
            _("No valid tax code starts with %(prefix)s: check the first nine digits."),
            code="impossible_prefix",
            params={"prefix": digits[:9]},
        )
    if digits[9] != expected:
        raise ValidationError(
            _(
                "The check digit is wrong: a tax code starting with %(prefix)s must end in %(expected)s, "
                "not %(given)s. Check the number for a typing mistake."
            ),
            code="check_digit",
            params={"prefix": digits[:9], "expected": expected, "given": digits[9]},
        )
    # Belt and braces: python-stdnum is the reference implementation of the same rule.
    mst.validate(digits)


def identifier_normalise(*, value: str | int, legal_form: str | None = None) -> Identifier:
    """Normalise and validate a tax code, branch tax code or 12-digit personal ID.

    ``value``: as typed, or as read from a spreadsheet cell (``int`` when the cell held a number; a float
    with no fraction is treated like an int). ``legal_form``: a ``LegalForm`` value when known; a household
    business then needs a personal ID, every other form a tax code. Returns an ``Identifier``; raises
    ``django.core.exceptions.ValidationError`` whose message says what is wrong (code one of
    ``required``, ``invalid_characters``, ``length``, ``zero_sequence``, ``province_code``, ``impossible_prefix``,
    ``check_digit``, ``branch_zero``, ``household_needs_personal_id``, ``enterprise_needs_tax_code``).
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    came_as_number = isinstance(value, int) and not isinstance(value, bool)
    text = str(value) if came_as_number else (value or "")
    if not str(text).strip():
        raise ValidationError(_("Enter the tax code or personal ID."), code="required")
    digits = _digits_only(str(text))
    if came_as_number:
        digits = _pad_number(digits, legal_form=legal_form)

    if len(digits) == 10:
        _check_tax_code(digits)
        identifier = Identifier(digits, IdentifierKind.TAX_CODE)
    elif len(digits) == 13:
        if digits[10:] == "000":
            raise ValidationError(
                _("A branch number runs from 001 to 999; “000” is not a branch."), code="branch_zero"
            )
        _check_tax_code(digits[:10])
        identifier = Identifier(f"{digits[:10]}-{digits[10:]}", IdentifierKind.BRANCH_TAX_CODE)
    elif len(digits) == 12:
        if digits == "0" * 12:
            raise ValidationError(_("A personal ID cannot be all zeros."), code="zero_sequence")
        if digits[:3] not in PERSONAL_ID_PROVINCE_CODES:
            raise ValidationError(
                _(
                    "A personal ID starts with the code of the province where the birth was registered (001 "
                    "Hà Nội to 096 Cà Mau, for example 087 Đồng Tháp or 082 Tiền Giang); %(prefix)s is not one. "
                    "Check the number on the chip ID card."
                ),
                code="province_code",
                params={"prefix": digits[:3]},
            )
        identifier = Identifier(digits, IdentifierKind.PERSONAL_ID)
    else:
        if len(digits) in (9, 11):
            message = _(
                "This number has %(count)s digits. A tax code has 10 digits (13 for a branch, written "
                "0123456789-001) and a personal ID 12. If a leading zero was lost (spreadsheets do this), "
                "add it back."
            )
        else:
            message = _(
                "This number has %(count)s digits. A tax code has 10 digits (13 for a branch, written "
                "0123456789-001) and a personal ID 12."
            )
        raise ValidationError(message, code="length", params={"count": len(digits)})

    if legal_form == LegalForm.HOUSEHOLD and identifier.kind != IdentifierKind.PERSONAL_ID:
        raise ValidationError(
            _(
                "A household business registers with the owner's 12-digit personal ID (on the chip ID "
                "card) since 1 July 2025, not with a tax code."
            ),
            code="household_needs_personal_id",
        )
    if legal_form and legal_form != LegalForm.HOUSEHOLD and identifier.kind == IdentifierKind.PERSONAL_ID:
        raise ValidationError(
            _(
                "An enterprise registers with its 10-digit tax code (or the 13-digit code of a branch); "
                "a 12-digit personal ID is only for household businesses."
            ),
            code="enterprise_needs_tax_code",
        )
    return identifier


def identifier_kind(value: str) -> IdentifierKind:
    """The kind of an already normalised identifier (as stored on ``Business``)."""
    if len(value) == 14:
        return IdentifierKind.BRANCH_TAX_CODE
    if len(value) == 12:
        return IdentifierKind.PERSONAL_ID
    return IdentifierKind.TAX_CODE
