"""A phone number in the form a Vietnamese messaging provider takes.

The register holds numbers as typed; ``sme.businesses.phones.phone_normalise`` reads every usual Vietnamese
writing (and the 11-digit numbers retired in 2018) into E.164. Zalo and SMS brandname messages reach
Vietnamese mobile subscribers only, so a landline or a foreign number is refused here, before any request.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError

from sme.businesses.phones import phone_normalise

from .base import PermanentSendError


def mobile_number(*, value: str, style: str, provider: str) -> str:
    """``value`` as a Vietnamese mobile number: ``style`` "84" gives ``84901234567``, "0" gives
    ``0901234567``. Raises PermanentSendError (code ``phone_invalid``) for anything else."""
    try:
        e164 = phone_normalise(value=value)
    except ValidationError as exc:
        raise PermanentSendError(f"Số điện thoại không hợp lệ: {value!r}.", code="phone_invalid",
                                 provider=provider) from exc
    number = phonenumbers.parse(e164)
    if number.country_code != 84 or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise PermanentSendError(f"Không phải số di động Việt Nam: {value!r}.", code="phone_invalid",
                                 provider=provider)
    national = str(number.national_number)
    return f"84{national}" if style == "84" else f"0{national}"
