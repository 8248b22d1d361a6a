from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The worker portal: the phone-first front door at `/`."""

    name = "gonghui.portal"
    verbose_name = _("Worker portal")
