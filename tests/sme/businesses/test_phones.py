import pytest
from django.core.exceptions import ValidationError

from sme.businesses.phones import phone_normalise


@pytest.mark.parametrize(("typed", "e164"), [
    ("0901 234 567", "+84901234567"),
    ("090.123.4567", "+84901234567"),
    ("090-123-4567", "+84901234567"),
    ("+84 90 123 4567", "+84901234567"),
    ("84901234567", "+84901234567"),
    ("(0277) 3851 234", "+842773851234"),
    ("0166 123 4567", "+84361234567"),  # retired 11-digit mobile number, renumbered in 2018
    ("+1 650 253 0000", "+16502530000"),
])
def test_vietnamese_formats_become_e164(typed, e164):
    assert phone_normalise(value=typed) == e164


def test_number_cell_that_lost_its_leading_zero():
    assert phone_normalise(value=901234567) == "+84901234567"


@pytest.mark.parametrize(("typed", "code"), [
    ("", "required"), ("0123456", "invalid"), ("09012345678901", "invalid"), ("0901-ABC-567", "invalid_characters"),
])
def test_bad_numbers_are_refused(typed, code):
    with pytest.raises(ValidationError) as excinfo:
        phone_normalise(value=typed)
    assert excinfo.value.code == code
