"""`manage.py cockpit_rebuild`: recompute the cockpit's tallies from scratch (repair)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gonghui.cockpit.services import tallies_rebuild, tallies_recomputed, tallies_stored


class Command(BaseCommand):
    help = "Recompute every cockpit tally from the member, enterprise and plan tables."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Only compare the stored tallies with a recomputation; exit 1 when they differ.")

    def handle(self, *args, check=False, **options):
        if check:
            stored, fresh = tallies_stored(), tallies_recomputed()
            wrong = sorted(k for k in stored.keys() | fresh.keys() if stored.get(k, 0) != fresh.get(k, 0))
            for org, metric in wrong[:50]:
                self.stdout.write(f"{org} {metric}: {stored.get((org, metric), 0)} != {fresh.get((org, metric), 0)}")
            if wrong:
                self.stderr.write(_("%(n)d tallies differ from a recomputation.") % {"n": len(wrong)})
                raise SystemExit(1)
            self.stdout.write(_("All tallies equal a recomputation."))
            return
        rows = tallies_rebuild()
        self.stdout.write(_("Rebuilt the cockpit tallies: %(n)d rows.") % {"n": rows})
