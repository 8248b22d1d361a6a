"""Personal data at rest and on screen: encryption, the blind index, masking.

Resident IDs are stored AES-GCM encrypted; equality look-ups and de-duplication use an HMAC
blind index, so the plain number never reaches the database, a log or an export.
"""

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


@lru_cache(maxsize=4)
def _cipher(key_b64: str) -> AESGCM:
    key = base64.b64decode(key_b64)
    if len(key) not in (16, 24, 32):
        raise ValueError("PII_ENCRYPTION_KEY must be base64 of 16, 24 or 32 bytes")
    return AESGCM(key)


def encrypt(plain: str) -> str:
    nonce = os.urandom(12)
    sealed = _cipher(settings.PII_ENCRYPTION_KEY).encrypt(nonce, plain.encode(), None)
    return base64.b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    return _cipher(settings.PII_ENCRYPTION_KEY).decrypt(raw[:12], raw[12:], None).decode()


def blind_index(normalised: str) -> str:
    return hmac.new(settings.PII_HASH_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def mask_resident_id(number: str) -> str:
    """110105199001011234 -> 110105********1234."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


def mask_mobile(number: str) -> str:
    """13812341234 -> 138****1234."""
    if not number:
        return ""
    return number[:3] + "****" + number[-4:] if len(number) >= 7 else "*" * len(number)


def mask_name(name: str) -> str:
    """张三 -> 张*, 张小三 -> 张*三, 欧阳小明 -> 欧**明."""
    if not name:
        return ""
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# Numbers typed into free text (notes, agreements): resident IDs (18 digits, or the old 15) and mobiles,
# written whole, spaced or with +86. Lookarounds keep longer digit runs (bank accounts) whole.
RESIDENT_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")


def mask_numbers(text: str, *, blank: str | None = None) -> str:
    """Resident ID and mobile numbers inside free text masked (13812341234 -> 138****1234), or each replaced
    by `blank` where not even the masked form may appear (a legal document)."""
    if not text:
        return ""
    text = RESIDENT_ID_IN_TEXT.sub(lambda m: blank if blank is not None else mask_resident_id(m.group()), text)
    return MOBILE_IN_TEXT.sub(lambda m: blank if blank is not None else mask_mobile(m.group()), text)

