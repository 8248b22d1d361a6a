from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The cadre console at `/console/`: the shell, navigation and dashboard."""

    name = "gonghui.console"
    verbose_name = _("Cadre console")
