"""Personal data at rest and on screen: AES-GCM encryption, the keyed blind index, masking."""

import base64

import pytest
from cryptography.exceptions import InvalidTag
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core import privacy

OTHER_KEY = base64.b64encode(b"another-32-byte-key-for-tests-!!").decode()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_encrypt_decrypt_roundtrip(plain):
    token = privacy.encrypt(plain)
    assert len(base64.b64decode(token)) == 12 + len(plain.encode()) + 16  # nonce + sealed text + tag
    assert privacy.decrypt(token) == plain


def test_ciphertexts_differ_per_call_but_decrypt_alike():
    tokens = {privacy.encrypt("110105199003071239") for _ in range(20)}
    assert len(tokens) == 20  # a fresh 12-byte nonce each time
    assert {privacy.decrypt(t) for t in tokens} == {"110105199003071239"}
    assert len({base64.b64decode(t)[:12] for t in tokens}) == 20
    assert not any("110105199003071239" in t or b"110105199003071239" in base64.b64decode(t) for t in tokens)


def test_tampered_ciphertext_or_wrong_key_is_refused():
    token = privacy.encrypt("110105199003071239")
    raw = bytearray(base64.b64decode(token))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        privacy.decrypt(base64.b64encode(bytes(raw)).decode())
    with override_settings(PII_ENCRYPTION_KEY=OTHER_KEY), pytest.raises(InvalidTag):
        privacy.decrypt(token)


def test_bad_key_length_is_refused():
    with override_settings(PII_ENCRYPTION_KEY=base64.b64encode(b"short").decode()), pytest.raises(ValueError):
        privacy.encrypt("x")


def test_blind_index_is_deterministic_and_keyed():
    number = "110105199003071239"
    first = privacy.blind_index(number)
    assert first == privacy.blind_index(number)
    assert len(first) == 64 and number not in first
    assert privacy.blind_index("11010519491231002X") != first
    with override_settings(PII_HASH_KEY="a-different-key"):
        other = privacy.blind_index(number)
        assert other == privacy.blind_index(number)
    assert other != first
    assert privacy.blind_index(number) == first  # back to the configured key


@pytest.mark.parametrize(
    ("number", "masked"),
    [("110105199003071239", "110105********1239"), ("11010519491231002X", "110105********002X"), ("", "")],
)
def test_mask_resident_id(number, masked):
    assert privacy.mask_resident_id(number) == masked


def test_mask_resident_id_short_values_never_leak():
    assert privacy.mask_resident_id("1234567890") == "**********"
    assert privacy.mask_resident_id("12345") == "*****"


@pytest.mark.parametrize(
    ("number", "masked"),
    [("13811111111", "138****1111"), ("13812341234", "138****1234"), ("", ""), ("123456", "******")],
)
def test_mask_mobile(number, masked):
    assert privacy.mask_mobile(number) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧**明"), ("张", "张"), ("", ""),
     ("买买提·艾力", "买****力")],
)
def test_mask_name(name, masked):
    assert privacy.mask_name(name) == masked
