"""Numbers from the register, written every usual way, reach each provider in the form it takes."""

import pytest

from outreach.messaging.base import PermanentSendError
from outreach.messaging.phones import mobile_number


@pytest.mark.parametrize(("typed", "zalo", "sms"), [
    ("0901 234 567", "84901234567", "0901234567"),
    ("090.123.4567", "84901234567", "0901234567"),
    ("+84 90 123 4567", "84901234567", "0901234567"),
    ("84901234567", "84901234567", "0901234567"),
    ("01662345678", "84362345678", "0362345678"),  # an 11-digit number retired in 2018
])
def test_a_mobile_number_in_each_providers_form(typed, zalo, sms):
    assert mobile_number(value=typed, style="84", provider="zalo_zns") == zalo
    assert mobile_number(value=typed, style="0", provider="esms") == sms


@pytest.mark.parametrize("typed", ["0277 3851 234", "+1 202 555 0143", "0901", "abc", ""])
def test_anything_but_a_vietnamese_mobile_is_refused(typed):
    with pytest.raises(PermanentSendError) as refused:
        mobile_number(value=typed, style="84", provider="zalo_zns")
    assert refused.value.code == "phone_invalid"
    assert refused.value.provider == "zalo_zns"
