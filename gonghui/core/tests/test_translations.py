"""The interface is Simplified Chinese by default, with English kept complete (the msgids)."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation():
    catalog = polib.pofile(str(PO))
    missing = [e.msgid for e in catalog if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == [], f"{len(missing)} untranslated messages, e.g. {missing[:5]}"


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(PO)):
        for token in ("%(", "{"):
            if entry.msgid.count(token) != entry.msgstr.count(token) and entry.msgstr:
                pytest.fail(f"placeholder mismatch in {entry.msgid!r} -> {entry.msgstr!r}")


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request():
    client = Client()
    zh = client.get("/accounts/login/").content.decode()
    assert "登录" in zh and 'lang="zh-hans"' in zh
    en = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in" in en and 'lang="en"' in en
