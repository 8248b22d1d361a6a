"""Passwords: at least 8 characters mixing 3 of 4 character classes (and not a common password)."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from gonghui.accounts.passwords import CharacterClassValidator


@pytest.mark.parametrize(
    ("password", "classes"),
    [("", 0), ("abcdefgh", 1), ("ABCDEFGH", 1), ("12345678", 1), ("!@#$%^&*", 1), ("abcdEFGH", 2),
     ("abcd1234", 2), ("abcd!@#$", 2), ("abCD12", 3), ("abCD!@", 3), ("ab12!@", 3), ("aB1!", 4),
     ("pass word", 2), ("工会密码abc1", 2)],
)
def test_counts_character_classes(password, classes):
    assert CharacterClassValidator().classes(password) == classes


@pytest.mark.parametrize("password", ["Abcdefg1", "abcdefg1!", "ABCDEFG1!", "Ab!Ab!Ab!", "aB1!aB1!"])
def test_three_or_more_classes_pass(password):
    assert CharacterClassValidator(min_classes=3).validate(password) is None


@pytest.mark.parametrize("password", ["abcdefgh", "abcdefg1", "ABCDEFG1", "12345678!", "abcDEFgh", "工会工会工会工会"])
def test_fewer_than_three_classes_fail(password):
    with pytest.raises(ValidationError) as exc:
        CharacterClassValidator(min_classes=3).validate(password)
    assert exc.value.error_list[0].code == "password_too_simple"
    assert exc.value.messages == [CharacterClassValidator(3).get_help_text()]


def test_min_classes_is_configurable():
    CharacterClassValidator(min_classes=2).validate("abcdefg1")
    with pytest.raises(ValidationError):
        CharacterClassValidator(min_classes=4).validate("Abcdefg1")
    assert "4" in CharacterClassValidator(min_classes=4).get_help_text()


def test_configured_validators_together():
    validate_password("Gonghui#2024")
    validate_password("Demo@12351")
    for weak in ("Ab1!xyz", "abcdefgh1", "ABCDEFGH!", "Password1"):  # too short, 2 classes, 2 classes, common
        with pytest.raises(ValidationError):
            validate_password(weak)
    assert CharacterClassValidator(3).get_help_text() in password_validators_help_texts()
