"""Month-end snapshots for the cockpit's growth and trend (gonghui.cockpit.snapshots).

    manage.py cockpit_snapshots                 # the month just ended, from the tallies (as the monthly job)
    manage.py cockpit_snapshots --backfill 12   # the 12 month ends before this month, recounted from the records
    manage.py cockpit_snapshots --backfill 12 --if-empty   # only when there is no snapshot yet (make run)
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.cockpit.models import MonthlySnapshot
from gonghui.cockpit.snapshots import previous_month_end, snapshots_backfill, snapshots_take


class Command(BaseCommand):
    help = "Write the cockpit's month-end snapshots (the month just ended, or --backfill N past months)."

    def add_arguments(self, parser):
        parser.add_argument("--backfill", type=int, default=0, metavar="N",
                            help="recount the N month ends before the current month from the records")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when snapshots exist")

    def handle(self, *args, backfill: int, if_empty: bool, **options):
        if not 0 <= backfill <= 120:
            raise CommandError(_("--backfill takes a number of months from 0 to 120."))
        if if_empty and MonthlySnapshot.objects.exists():
            return
        last = previous_month_end(timezone.localdate())
        if backfill:
            ends = [last]
            while len(ends) < backfill:
                ends.append(previous_month_end(ends[-1]))
            written = snapshots_backfill(sorted(ends))
        else:
            ends, written = [last], snapshots_take()
        self.stdout.write(_("%(rows)d snapshot rows written for %(months)d month ends up to %(last)s.")
                          % {"rows": written, "months": len(ends), "last": last})
