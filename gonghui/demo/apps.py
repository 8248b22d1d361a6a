from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The deterministic demo district generator (`manage.py demo_district`)."""

    name = "gonghui.demo"
    verbose_name = _("Demo district")
