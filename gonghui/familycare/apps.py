from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilycareConfig(AppConfig):
    name = "gonghui.familycare"
    verbose_name = _("Care for working families")
