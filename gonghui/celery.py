"""Celery: Redis in production; a broker on the local file system for `make run` (no server)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings.dev")
app = Celery("gonghui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
