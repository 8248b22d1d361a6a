"""`manage.py demo_district [--scale tiny|small|city] [--seed N] [--if-empty]`: the demo district.

`make run` calls it with --if-empty on every start, so it must be a quiet no-op on a database
that already has data; without the flag a non-empty database is refused and left untouched.
"""

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gonghui.demo.accounts import PASSWORD
from gonghui.demo.generate import DEFAULT_SEED, database_is_empty, generate, summary, taken_usernames
from gonghui.demo.scales import SCALES


def _pad(text: str, width: int) -> str:
    """Left-justify counting Chinese characters as two columns, so the table lines up in a terminal."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 1)


class Command(BaseCommand):
    help = "Generate the deterministic demo district (orgs, enterprises, workers, memberships, demo accounts)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small",
                            help="tiny (tests), small (default, about 30,000 workers) or city (about 1,000,000).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Same seed, same data.")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing (and succeed) when the database already holds data.")

    def handle(self, *args, scale, seed, if_empty, verbosity, **options):
        if not database_is_empty():
            if if_empty:
                if verbosity:
                    self.stdout.write(_("The database already holds data; the demo district was not generated."))
                return
            raise CommandError(_("The database already holds organisations, enterprises or workers: the demo "
                                 "district goes into an empty database only, and nothing was changed. Add "
                                 "--if-empty to generate only when the database is empty."))
        taken = taken_usernames()
        if taken:
            raise CommandError(_("Demo usernames already taken: %(names)s; nothing was changed.")
                               % {"names": ", ".join(taken)})
        started = time.monotonic()
        total = SCALES[scale].workers

        def progress(done: int) -> None:
            if verbosity >= 2:
                self.stdout.write(_("  workers %(done)s / %(total)s (%(seconds).1f s)") % {
                    "done": f"{done:,}", "total": f"{total:,}", "seconds": time.monotonic() - started})

        accounts = generate(scale=scale, seed=seed, progress=progress)
        elapsed = time.monotonic() - started
        if not verbosity:
            return
        self.stdout.write(self.style.SUCCESS(
            _("Demo district generated: scale %(scale)s, seed %(seed)d, in %(seconds).1f s")
            % {"scale": scale, "seed": seed, "seconds": elapsed}))
        for label, count in summary():
            self.stdout.write(f"{_pad(label, 32)}{count:>12,}")
        self.stdout.write(_("Demo accounts (password %(password)s for all):") % {"password": PASSWORD})
        for username, role, scope in accounts:
            self.stdout.write(f"  {username:<12}{_pad(role, 28)}{scope}")
