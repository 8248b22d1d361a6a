"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so no GNU gettext install is needed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the .po translation files to .mo (pure Python)."

    def handle(self, *args, **options):
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                po = polib.pofile(str(po_path))
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                if options["verbosity"]:
                    self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}", self.style.SUCCESS)
