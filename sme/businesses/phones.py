"""Vietnamese phone numbers to E.164 (pure, reusable by the spreadsheet import)."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mobile prefixes renumbered in 2018 (11-digit 01xx numbers became 10-digit 03x/05x/07x/08x).
OLD_MOBILE_PREFIXES = {
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
    "0168": "038", "0169": "039", "0186": "056", "0188": "058", "0199": "059",
}


def phone_normalise(*, value: str | int) -> str:
    """Return ``value`` as an E.164 number (``+84901234567``); raises ``ValidationError`` saying what is wrong.

    Accepts the usual Vietnamese ways of writing a number (``0901 234 567``, ``090.123.4567``,
    ``+84 90 123 4567``, ``84901234567``, landlines like ``(0277) 3851 234``), foreign numbers written with
    ``+`` and a country code, and the 11-digit mobile numbers retired in 2018 (converted to the new prefix).
    A number read from a spreadsheet number cell (an ``int``) that lost its leading zero gets it back.
    """
    text = str(value).strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    if isinstance(value, int) and not isinstance(value, bool):
        text = "0" + text if not text.startswith("84") else "+" + text
    compact = re.sub(r"[\s.\-()/]", "", text)
    if re.search(r"[^\d+]", compact) or "+" in compact[1:]:
        raise ValidationError(
            _("A phone number may contain only digits, spaces, dots, dashes, brackets and a leading +."),
            code="invalid_characters",
        )
    if len(compact) == 11 and compact[:4] in OLD_MOBILE_PREFIXES:
        compact = OLD_MOBILE_PREFIXES[compact[:4]] + compact[4:]
    try:
        number = phonenumbers.parse(compact, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("This is not a phone number: check the digits."), code="invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This phone number is not valid: a Vietnamese mobile number has 10 digits starting with 0 "
              "(for example 0901 234 567)."),
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """A stored (E.164) number as people in Vietnam write it: ``0901 234 567``, ``0277 3851 234``; a foreign
    number keeps its ``+`` and country code, spaced. Anything unparsable is returned unchanged. The spaces
    also keep spreadsheets from reading the number as a number (and dropping its leading zero)."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 84:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
