"""The national identifiers: resident ID (GB 11643), credit code (GB 32100), mobile, division code."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gonghui.core.validators import (
    check_credit_code,
    check_division_code,
    check_mobile,
    check_resident_id,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_gender,
    uscc_check_char,
    validate_credit_code,
    validate_mobile,
    validate_resident_id,
)

FAST = settings(max_examples=200, deadline=None)
TODAY = dt.date.today()  # noqa: DTZ011 - the validator compares calendar dates

ID_CHARS = "0123456789X"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _raises(check, value):
    with pytest.raises(ValidationError):
        check(value)


# --- resident ID ----------------------------------------------------------------------------------

@st.composite
def resident_ids(draw):
    area = draw(st.integers(100000, 999999))
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    seq = draw(st.integers(0, 999))
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17), birth, seq


@FAST
@given(resident_ids())
def test_generated_resident_id_passes_and_derives_gender_and_birth(generated):
    number, birth, seq = generated
    assert check_resident_id(number) == number
    assert resident_id_birth_date(number) == birth
    assert resident_id_gender(number) == ("M" if seq % 2 else "F")
    validate_resident_id(number)  # the model-field form raises nothing


@FAST
@given(resident_ids(), st.integers(0, 17), st.sampled_from(ID_CHARS))
def test_any_single_character_change_of_a_resident_id_fails(generated, position, char):
    number = generated[0]
    if number[position] == char:
        char = ID_CHARS[(ID_CHARS.index(char) + 1) % len(ID_CHARS)]
    changed = number[:position] + char + number[position + 1:]
    assert changed != number
    _raises(check_resident_id, changed)


def test_every_single_substitution_of_the_standard_example_fails():
    """Exhaustive over one number: 18 positions x 10 other characters."""
    number = "11010519491231002X"
    for position in range(18):
        for char in ID_CHARS:
            if char != number[position]:
                _raises(check_resident_id, number[:position] + char + number[position + 1:])


@FAST
@given(resident_ids())
def test_lowercase_x_and_surrounding_spaces_are_normalised(generated):
    number = generated[0]
    assert check_resident_id(f"  {number.lower()}\t") == number


def test_known_good_resident_ids():
    # The example printed in GB 11643-1999 itself, and the fixture's worker1 (both checked by hand:
    # sum(d*w) mod 11 -> "10X98765432").
    assert check_resident_id("11010519491231002X") == "11010519491231002X"
    assert check_resident_id("11010519491231002x") == "11010519491231002X"
    assert resident_id_gender("11010519491231002X") == "F"
    assert resident_id_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert check_resident_id("110105199003071239") == "110105199003071239"
    assert resident_id_gender("110105199003071239") == "M"
    assert resident_id_birth_date("110105199003071239") == dt.date(1990, 3, 7)


@pytest.mark.parametrize("area", ["110105", "430903", "512501", "362201", "429001"])
def test_old_and_abolished_area_codes_are_accepted(area):
    # 512501 (old Sichuan), 362201 (old Jiangxi), 430903 etc.: people keep the number they were issued.
    first17 = f"{area}19750615123"
    assert check_resident_id(first17 + resident_id_check_char(first17)) == first17 + resident_id_check_char(first17)


@pytest.mark.parametrize("birth", ["19900230", "19900229", "19001301", "19000000", "19991232", "18991231"])
def test_impossible_birth_dates_fail_even_with_a_correct_check_character(birth):
    first17 = f"110105{birth}123"
    with pytest.raises(ValidationError) as exc:
        check_resident_id(first17 + resident_id_check_char(first17))
    assert exc.value.messages == [gettext("The resident ID contains an impossible birth date.")]


def test_birth_date_in_the_future_fails():
    tomorrow = TODAY + dt.timedelta(days=1)
    first17 = f"110105{tomorrow:%Y%m%d}123"
    _raises(check_resident_id, first17 + resident_id_check_char(first17))
    # ...and the same number is fine once that day has come.
    assert check_resident_id(first17 + resident_id_check_char(first17), today=tomorrow)


def test_leap_day_is_possible():
    first17 = "11010520000229123"
    assert check_resident_id(first17 + resident_id_check_char(first17))


@pytest.mark.parametrize(
    "value",
    ["", None, "11010519491231002", "11010519491231002X1", "1101051949123100XX", "X1010519491231002X",
     "110105 19491231002X", "11010519491231002Y",
     # full-width and other Unicode digits look like digits to `\d` and int(): refused, not stored raw
     "１10105199003071239", "١١٠١٠٥١٩٩٠٠٣٠٧١٢٣٩"],
)
def test_malformed_resident_ids_fail(value):
    _raises(check_resident_id, value)


# --- unified social credit code ---------------------------------------------------------------------

@st.composite
def credit_codes(draw, prefix=None):
    head = prefix or draw(st.text(USCC_ALPHABET, min_size=2, max_size=2))
    body = draw(st.text(USCC_ALPHABET, min_size=17 - len(head), max_size=17 - len(head)))
    first17 = head + body
    return first17 + uscc_check_char(first17)


@FAST
@given(st.one_of(credit_codes(), credit_codes(prefix="81"), credit_codes(prefix="91")))
def test_generated_credit_codes_pass(code):
    assert check_credit_code(code) == code
    assert check_credit_code(f" {code.lower()} ") == code
    validate_credit_code(code)


@FAST
@given(credit_codes(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_single_character_change_of_a_credit_code_fails(code, position, char):
    if code[position] == char:
        char = USCC_ALPHABET[(USCC_ALPHABET.index(char) + 1) % len(USCC_ALPHABET)]
    _raises(check_credit_code, code[:position] + char + code[position + 1:])


def test_mod31_catches_every_substitution():
    """31 is prime, every weight is non-zero mod 31 and the alphabet has exactly 31 characters, so any
    change of one character shifts the weighted sum by a non-zero residue: verified exhaustively here."""
    weights = [pow(3, i, 31) for i in range(17)]
    assert all(w % 31 for w in weights)
    assert len(USCC_ALPHABET) == 31
    for code in ("914403001922038216", "81110105MC00000017", "9144030071526726XG"):
        for position in range(18):
            for char in USCC_ALPHABET:
                if char != code[position]:
                    _raises(check_credit_code, code[:position] + char + code[position + 1:])


def test_known_good_credit_codes():
    # Huawei Technologies Co., Ltd. and Tencent Technology (Shenzhen) Co., Ltd. (public registrations,
    # check characters recomputed here), and a union code (registration authority 8, type 1) built
    # with the GB 32100 check.
    for code in ("914403001922038216", "9144030071526726XG", "81110105MC00000017", "81440300MC1234567E"):
        assert check_credit_code(code) == code


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_letters_outside_the_alphabet_are_refused(letter):
    first17 = "9111010500000000" + letter
    for code in (first17 + "0", "91110105" + letter + "00000000" + "1"):
        _raises(check_credit_code, code)
    # even in the check position
    _raises(check_credit_code, "91440300192203821" + letter)


@pytest.mark.parametrize("value", ["", None, "91440300192203821", "9144030019220382166", "91440300-192203821"])
def test_malformed_credit_codes_fail(value):
    _raises(check_credit_code, value)


# --- mobile ----------------------------------------------------------------------------------------

@FAST
@given(st.integers(3, 9), st.integers(0, 10**9 - 1))
def test_valid_mobiles_and_their_written_forms(second, rest):
    number = f"1{second}{rest:09d}"
    assert check_mobile(number) == number
    assert check_mobile(f"+86{number}") == number
    assert check_mobile(f"+86 {number[:3]} {number[3:7]} {number[7:]}") == number
    assert check_mobile(f"{number[:3]}-{number[3:7]}-{number[7:]}") == number
    validate_mobile(number)


@pytest.mark.parametrize(
    "value",
    ["", None, "12812341234", "11812341234", "10812341234", "23812341234", "2381234123", "1381234123",
     "138123412345", "+8512812341234", "+86 128 1234 1234", "1381234123a", "１３８１２３４１２３４"],
)
def test_invalid_mobiles_are_refused(value):
    _raises(check_mobile, value)


# --- division code ---------------------------------------------------------------------------------

@example(110105)
@FAST
@given(st.integers(100000, 999999))
def test_division_codes(code):
    assert check_division_code(f" {code} ") == str(code)


@pytest.mark.parametrize("value", ["", "010105", "11010", "1101050", "11010a", "１10105"])
def test_invalid_division_codes(value):
    _raises(check_division_code, value)
