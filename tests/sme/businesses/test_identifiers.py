"""Identifier rules (domain notes §A2): tax code with check digit, branch form, 12-digit personal ID."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sme.businesses.identifiers import IdentifierKind, identifier_normalise
from sme.businesses.models import LegalForm


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English; the site's default language is Vietnamese.
    with translation.override("en"):
        yield


def _error_code(**kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        identifier_normalise(**kwargs)
    return excinfo.value.code


@pytest.mark.parametrize("code", ["0100233488", "0100112437", "0300588569", "0109527605", "1400460395"])
def test_valid_tax_codes_are_accepted(code):
    # when
    identifier = identifier_normalise(value=code, legal_form=LegalForm.LLC_ONE_MEMBER)

    # then
    assert identifier.value == code
    assert identifier.kind == IdentifierKind.TAX_CODE


@pytest.mark.parametrize("typed", ["01.00.112.437", " 0100 112 437 ", "0100-112-437"])
def test_separators_are_removed(typed):
    assert identifier_normalise(value=typed).value == "0100112437"


@pytest.mark.parametrize(("typed", "stored"), [
    ("0314409058-002", "0314409058-002"),
    ("0312 68 78 78 - 001", "0312687878-001"),
    ("0312687878001", "0312687878-001"),
])
def test_branch_codes_are_normalised_with_a_dash(typed, stored):
    # when
    identifier = identifier_normalise(value=typed, legal_form=LegalForm.JOINT_STOCK)

    # then
    assert identifier.value == stored
    assert identifier.kind == IdentifierKind.BRANCH_TAX_CODE


def test_wrong_check_digit_says_which_digit_is_expected():
    # when
    with pytest.raises(ValidationError) as excinfo:
        identifier_normalise(value="0109527604")

    # then
    error = excinfo.value
    assert error.code == "check_digit"
    message = error.message % error.params
    assert "check digit is wrong" in message
    assert "must end in 5, not 4" in message


@pytest.mark.parametrize("code", ["0100233480", "0190527605"])
def test_other_check_digit_failures(code):
    assert _error_code(value=code) == "check_digit"


def test_branch_with_wrong_parent_check_digit_is_refused():
    assert _error_code(value="0314409059-002") == "check_digit"


def test_branch_number_000_is_refused():
    assert _error_code(value="0314409058-000") == "branch_zero"


def test_all_zero_sequence_is_refused():
    assert _error_code(value="0100000000") == "zero_sequence"


def test_prefix_with_no_possible_check_digit_is_refused():
    # given a 9-digit prefix whose weighted sum is a multiple of 11 (check digit would be "10")
    from stdnum.vn import mst
    prefix = next(f"01{n:07d}" for n in range(1, 10**6) if mst.calc_check_digit(f"01{n:07d}") == "10")

    # then every 10th digit is refused with its own message
    assert {_error_code(value=prefix + str(d)) for d in range(10)} == {"impossible_prefix"}


def test_personal_id_is_checked_for_structure_and_province_code():
    # when: 12 digits starting with a province code pass; there is no public check digit
    first = identifier_normalise(value="001083006805", legal_form=LegalForm.HOUSEHOLD)
    second = identifier_normalise(value="087 186 001 239", legal_form=LegalForm.HOUSEHOLD)

    # then
    assert first.value == "001083006805"
    assert first.kind == IdentifierKind.PERSONAL_ID
    assert second.value == "087186001239"


@pytest.mark.parametrize("typed", ["000083006805", "003083006805", "097186001239", "123456789012", "999186001239"])
def test_personal_id_whose_first_three_digits_are_no_province_is_refused(typed):
    # 001-096 with gaps: 003 and 097 are no province, 123 and 999 are outside the range
    assert _error_code(value=typed, legal_form=LegalForm.HOUSEHOLD) == "province_code"


@pytest.mark.parametrize("province", ["001", "082", "087", "096"])
def test_personal_id_of_every_kind_of_province_passes(province):
    assert identifier_normalise(value=f"{province}186001239").kind == IdentifierKind.PERSONAL_ID


def test_personal_id_province_message_names_the_digits():
    with pytest.raises(ValidationError) as excinfo:
        identifier_normalise(value="097186001239")
    assert "097 is not one" in excinfo.value.message % excinfo.value.params


def test_personal_id_is_not_cut_to_ten_digits():
    assert identifier_normalise(value="001083006805").value == "001083006805"


@pytest.mark.parametrize("typed", ["12345", "01002334881", "0100233488123456", "01002334"])
def test_wrong_length_is_refused(typed):
    assert _error_code(value=typed) == "length"


def test_wrong_length_message_counts_the_digits():
    with pytest.raises(ValidationError) as excinfo:
        identifier_normalise(value="109527605")
    error = excinfo.value
    assert "has 9 digits" in error.message % error.params
    assert "leading zero" in error.message % error.params


@pytest.mark.parametrize("typed", ["01OO233488", "0100233488a", "MST0100233488", "０１００２３３４８８"])
def test_letters_and_other_characters_are_refused(typed):
    assert _error_code(value=typed) == "invalid_characters"


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_empty_is_refused(typed):
    assert _error_code(value=typed) == "required"


def test_a_number_that_lost_its_leading_zero_is_padded():
    # given a spreadsheet cell holding the number 109527605 (0109527605 lost its zero)
    assert identifier_normalise(value=109527605).value == "0109527605"
    assert identifier_normalise(value=109527605.0).value == "0109527605"


def test_a_text_that_lost_its_leading_zero_is_not_padded():
    assert _error_code(value="109527605") == "length"


def test_household_personal_id_as_number_is_padded_to_twelve_digits():
    # given 001083006805 read from a number cell: 1083006805 (two zeros lost)
    identifier = identifier_normalise(value=1083006805, legal_form=LegalForm.HOUSEHOLD)

    # then
    assert identifier.value == "001083006805"
    assert identifier.kind == IdentifierKind.PERSONAL_ID


def test_personal_id_as_number_with_one_zero_lost_is_padded_without_legal_form():
    assert identifier_normalise(value=87186001239).value == "087186001239"


def test_branch_as_number_is_padded_for_enterprises():
    identifier = identifier_normalise(value=314409058002, legal_form=LegalForm.JOINT_STOCK)
    assert identifier.value == "0314409058-002"


def test_household_needs_a_personal_id():
    assert _error_code(value="0109527605", legal_form=LegalForm.HOUSEHOLD) == "household_needs_personal_id"


@pytest.mark.parametrize("legal_form", [f for f in LegalForm.values if f != LegalForm.HOUSEHOLD])
def test_enterprises_need_a_tax_code(legal_form):
    assert _error_code(value="001083006805", legal_form=legal_form) == "enterprise_needs_tax_code"
