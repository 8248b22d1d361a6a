"""Workers and their memberships, generated and written in chunks: a million never sit in memory.

Employees join the union that covers their employer; riders, couriers, drivers and the other new
forms join the joint or industry union of their street that serves their form. Workers of
uncovered enterprises are mostly not members yet, which is what the coverage pages are for.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.db import connection

from gonghui.core import privacy
from gonghui.core.bulk import allocate_ids, fast_insert
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.members.services import card_number
from gonghui.orgs.models import JOINABLE_KINDS

from .enterprises import EnterprisePlan
from .identities import Mobiles, PersonNames, ResidentIds, random_date, weighted
from .tree import Node, Tree

FORMS = (
    ("regular", 70), ("dispatched", 8), ("flexible", 5), ("delivery_rider", 5), ("courier", 4),
    ("ride_hailing", 3), ("truck_driver", 2), ("domestic", 1.5), ("streamer", 1), ("other", 0.5),
)
EMPLOYED = {"regular", "dispatched"}
MALE_SHARE = {"regular": 0.55, "dispatched": 0.6, "flexible": 0.5, "delivery_rider": 0.9, "courier": 0.85,
              "ride_hailing": 0.9, "truck_driver": 0.97, "domestic": 0.08, "streamer": 0.35, "other": 0.5}
# The most common birth year per form: riders and streamers are young, domestic workers older.
BIRTH_MODE = {"delivery_rider": 1995, "courier": 1993, "ride_hailing": 1986, "truck_driver": 1980,
              "domestic": 1972, "streamer": 2000}
BIRTH_FROM, BIRTH_TO = dt.date(1965, 1, 1), dt.date(2005, 12, 31)
JOIN_FROM, JOIN_TO = dt.date(2015, 1, 1), dt.date(2025, 12, 31)
TRANSFERRED_IN = 0.04  # share of active members who came from another union
PENDING_TRANSFER = 0.012  # share of active members who asked to move and await approval

WORKER_FIELDS = ("id", "name", "id_cipher", "id_hash", "id_masked", "gender", "birth_date", "mobile",
                 "employment_form", "employer_id", "street_id", "org_id", "created_at")
MEMBERSHIP_FIELDS = ("id", "worker_id", "org_id", "status", "card_no", "joined_on", "applied_at", "decided_at",
                     "ended_on", "note", "transfer_from_id")
UTC = dt.UTC


class People:
    def __init__(self, rng: random.Random, tree: Tree, enterprises: list[EnterprisePlan], now: dt.datetime):
        self.rng, self.now = rng, now
        self.names, self.ids, self.mobiles = PersonNames(rng), ResidentIds(rng), Mobiles(rng)
        self.forms, self.form_cum = weighted(FORMS)
        self.enterprises = enterprises
        self.employer_cum = weighted([(p, p.headcount) for p in enterprises])[1]
        self.streets = tree.streets
        self.street_cum = weighted([(s, s.enterprise_count + 1) for s in tree.streets])[1]
        self.joinable = [n for n in tree.nodes if n.kind in JOINABLE_KINDS and n.active]
        # Every datetime here is in UTC already; SQLite stores it as naive text, PostgreSQL takes it as is.
        self.db_datetime = (lambda value: str(value.replace(tzinfo=None))) if connection.vendor == "sqlite" \
            else connection.ops.adapt_datetimefield_value

    def write(self, total: int, chunk: int = 20_000, progress: Callable[[int], None] | None = None) -> None:
        for start in range(0, total, chunk):
            workers, specs = [], []
            for worker_id in allocate_ids(Worker, min(chunk, total - start)):
                workers.append(self._worker(worker_id, specs))
            ids = allocate_ids(Membership, len(specs))
            fast_insert(Worker, WORKER_FIELDS, workers)
            fast_insert(Membership, MEMBERSHIP_FIELDS, [
                (ids[k], worker, org, status, card_number(ids[card]) if card is not None else "",
                 joined and joined.isoformat(), applied, decided, ended and ended.isoformat(), "",
                 ids[source] if source is not None else None)
                for k, (worker, org, status, joined, applied, decided, ended, source, card) in enumerate(specs)])
            if progress:
                progress(start + len(workers))

    def _worker(self, worker_id: int, specs: list) -> tuple:
        rng = self.rng
        form = rng.choices(self.forms, cum_weights=self.form_cum)[0]
        male = rng.random() < MALE_SHARE[form]
        number = self.ids.issue(self._birth(form), male)
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))  # issue may move a full day
        name, mobile = self.names.name(male), self.mobiles.issue()
        employer = None
        if form in EMPLOYED:
            employer = rng.choices(self.enterprises, cum_weights=self.employer_cum)[0]
            employer.workers += 1
            street = employer.street
            if employer.union is not None:
                target = employer.union
                p_active, p_pending = (0.9 if employer.own else 0.8) - (0.15 if form == "dispatched" else 0), 0.045
            else:  # a blind spot: some ask the area joint union to take them in
                target, p_active, p_pending = rng.choice(street.area_joints), 0.0, 0.08
        else:
            street = rng.choices(self.streets, cum_weights=self.street_cum)[0]
            target = rng.choice(street.serving(form) or [street.newform])
            p_active, p_pending = (0.6 if form in ("flexible", "other") else 0.75), 0.045
        if not target.active:
            p_pending = 0.0  # a dormant union takes no applications
        roll = rng.random()
        org = None
        if roll < p_active:
            org, created = target, self._active(worker_id, target, birth, specs)
        elif roll < p_active + p_pending:
            org, created = target, self._recent()
            specs.append((worker_id, target.id, MembershipStatus.PENDING.value, None, self.db_datetime(created),
                          None, None, None, None))
        else:
            created = self._at(random_date(rng, dt.date(2018, 1, 1), JOIN_TO))
        return (worker_id, name, privacy.encrypt(number), privacy.blind_index(number),
                privacy.mask_resident_id(number), "M" if male else "F", birth.isoformat(), mobile, form,
                employer.id if employer else None, street.node.id, org.id if org else None,
                self.db_datetime(created))

    def _active(self, worker_id: int, org: Node, birth: dt.date, specs: list) -> dt.datetime:
        """Append an active membership (after a transferred one, sometimes); return the first application time."""
        rng, db = self.rng, self.db_datetime
        start = max(JOIN_FROM, birth + dt.timedelta(days=18 * 366))  # adults only
        joined = random_date(rng, start, JOIN_TO)
        applied = self._at(joined - dt.timedelta(days=rng.randint(1, 20)))
        first = len(specs)
        if rng.random() < TRANSFERRED_IN and (JOIN_TO - joined).days > 60:
            # Card number and join date travel with the member, as membership_approve does.
            moved = random_date(rng, joined + dt.timedelta(days=30), JOIN_TO)
            specs.append((worker_id, self._other(org).id, MembershipStatus.TRANSFERRED.value, joined, db(applied),
                          db(self._at(joined)), moved, None, first))
            specs.append((worker_id, org.id, MembershipStatus.ACTIVE.value, joined,
                          db(self._at(moved - dt.timedelta(days=rng.randint(1, 10)))), db(self._at(moved)), None,
                          first, first))
        else:
            specs.append((worker_id, org.id, MembershipStatus.ACTIVE.value, joined, db(applied),
                          db(self._at(joined)), None, None, first))
        if rng.random() < PENDING_TRANSFER:
            specs.append((worker_id, self._other(org).id, MembershipStatus.PENDING.value, None,
                          db(self._recent()), None, None, len(specs) - 1, None))
        return applied

    def _other(self, org: Node) -> Node:
        while True:
            other = self.rng.choice(self.joinable)
            if other is not org:
                return other

    def _birth(self, form: str) -> dt.date:
        span = (BIRTH_TO - BIRTH_FROM).days
        mode = (dt.date(BIRTH_MODE.get(form, 1988), 7, 1) - BIRTH_FROM).days
        return BIRTH_FROM + dt.timedelta(days=int(self.rng.triangular(0, span, mode)))

    def _at(self, day: dt.date) -> dt.datetime:
        """A moment in office hours (Beijing time 09:00-17:59) on `day`, in UTC."""
        return dt.datetime(day.year, day.month, day.day, self.rng.randint(1, 9), self.rng.randrange(60), tzinfo=UTC)

    def _recent(self) -> dt.datetime:
        return self.now - dt.timedelta(minutes=self.rng.randrange(45 * 24 * 60))
