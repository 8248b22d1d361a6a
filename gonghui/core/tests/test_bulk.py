"""fast_insert + allocate_ids: COPY on PostgreSQL, executemany on SQLite; the ORM reads what they wrote."""

import datetime as dt
import random

from django.db import connection, transaction
from django.utils import timezone

from gonghui.core import privacy
from gonghui.core.bulk import allocate_ids, fast_insert
from gonghui.core.choices import EmploymentForm, Industry
from gonghui.enterprises.models import Enterprise, Ownership
from gonghui.members.models import Membership, MembershipStatus, Worker
from gonghui.members.services import card_number
from gonghui.testing import make_credit_code, make_resident_id, make_worker


def db_values(model, names, values):
    return tuple(model._meta.get_field(n).get_db_prep_save(v, connection) for n, v in zip(names, values, strict=True))


def test_allocate_ids_are_fresh_and_consecutive_enough(district):
    assert allocate_ids(Worker, 0) == []
    ids = allocate_ids(Worker, 5)
    assert len(ids) == len(set(ids)) == 5
    assert min(ids) > max(Worker.objects.values_list("pk", flat=True))
    assert ids == sorted(ids)


def test_fast_insert_writes_related_rows_in_one_pass(district):
    rng = random.Random(7)
    now = timezone.now()
    count = 30
    with transaction.atomic():
        worker_ids = allocate_ids(Worker, count)
        member_ids = allocate_ids(Membership, count)
        numbers = [make_resident_id(rng) for _ in range(count)]
        w_fields = ("id", "name", "id_cipher", "id_hash", "id_masked", "gender", "birth_date", "mobile",
                    "employment_form", "org", "street", "created_at")
        w_rows = (
            db_values(Worker, w_fields, (
                wid, f"工人{i}", privacy.encrypt(n), privacy.blind_index(n), privacy.mask_resident_id(n),
                "M", dt.date(1990, 1, 1), f"1350000{i:04d}", EmploymentForm.COURIER, district.joint1.pk,
                district.street1.pk, now,
            ))
            for i, (wid, n) in enumerate(zip(worker_ids, numbers, strict=True))
        )
        assert fast_insert(Worker, w_fields, w_rows) == count  # a generator is fine
        m_fields = ("id", "worker", "org", "status", "card_no", "joined_on", "applied_at", "note")
        m_rows = [
            db_values(Membership, m_fields, (
                mid, wid, district.joint1.pk, MembershipStatus.ACTIVE, card_number(mid), dt.date(2024, 5, 1), now, "",
            ))
            for mid, wid in zip(member_ids, worker_ids, strict=True)
        ]
        assert fast_insert(Membership, m_fields, m_rows) == count

    workers = Worker.objects.filter(pk__in=worker_ids).order_by("pk")
    assert workers.count() == count
    first = workers.first()
    assert first.name == "工人0"
    assert privacy.decrypt(first.id_cipher) == numbers[0]
    assert first.birth_date == dt.date(1990, 1, 1)
    assert first.org == district.joint1
    assert abs((first.created_at - now).total_seconds()) < 1
    members = Membership.objects.filter(worker__in=workers, status=MembershipStatus.ACTIVE)
    assert members.count() == count
    assert set(members.values_list("card_no", flat=True)) == {card_number(m) for m in member_ids}
    assert Worker.objects.filter(id_hash=privacy.blind_index(numbers[-1])).get().pk == worker_ids[-1]

    # The ORM's own inserts afterwards do not collide with the ids handed out.
    later = Enterprise.objects.create(
        credit_code=make_credit_code(rng), name="后来的企业", industry=Industry.G, ownership=Ownership.PRIVATE,
        street=district.street1,
    )
    assert later.pk
    w = make_worker(name="后来人", org=district.union_a, mobile="13700009999")
    assert w.pk > max(worker_ids)
    assert Membership.objects.filter(worker=w).get().pk > max(member_ids)


def test_fast_insert_without_ids_uses_the_database_default(district):
    now = timezone.now()
    fields = ("credit_code", "name", "industry", "ownership", "headcount", "street", "address", "created_at",
              "updated_at")
    codes = [make_credit_code(random.Random(100 + i)) for i in range(3)]
    rows = [db_values(Enterprise, fields, (c, f"企业{i}", Industry.C, Ownership.PRIVATE, i, district.street2.pk,
                                           "", now, now)) for i, c in enumerate(codes)]
    before = Enterprise.objects.count()
    with transaction.atomic():
        assert fast_insert(Enterprise, fields, rows) == 3
    assert Enterprise.objects.count() == before + 3
    got = Enterprise.objects.filter(credit_code__in=codes).order_by("headcount")
    assert [e.name for e in got] == ["企业0", "企业1", "企业2"]
    assert all(e.street == district.street2 and e.union is None for e in got)
    assert fast_insert(Enterprise, fields, []) == 0
