"""The test suite: fast hashing, jobs run inline, no network, a throw-away media folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="gonghui-test-media-"))
SMS_BACKEND = "gonghui.accounts.sms.MemorySmsBackend"
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
