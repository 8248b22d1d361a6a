"""Roster import against its floor: the same file parsed by calamine plus the same rows bulk-inserted.

    .venv/bin/python bench/run.py import_roster [--rows 100000] [--repeat 1] [--profile]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench .venv/bin/python bench/run.py import_roster

Generates an .xlsx of N roster rows (about 1% bad, of every kind the import reports) into
bench/output/, then in a scratch database (Django's test-database machinery: a temporary SQLite
file, or test_<name> on PostgreSQL, created and dropped here) measures
  floor  = python-calamine parse of the file + allocate_ids/fast_insert (COPY on PostgreSQL,
           executemany on SQLite) of the same Worker and Membership rows, no validation;
  import = the real path: import_start (type sniffing, header check, storing the upload) and the
           Celery task run inline (validation, AES-GCM, blind-index de-duplication, per-chunk
           look-ups and transactions, progress, error report, audit row).
Target: import <= 3x floor. Each repeat starts from empty tables; the best time of each is kept.
"""

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "output"
HEADERS = ["姓名", "身份证号", "手机号", "用工形式", "工作单位统一社会信用代码", "入会日期"]
FORMS = ["外卖骑手", "快递员", "网约车司机", "正式职工", "劳务派遣", "家政服务员"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
BAD_KINDS = ("checksum", "mobile", "duplicate", "form", "name", "numeric")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench_import_roster")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of floor and import; the best of each counts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print the import's top functions (cProfile)")
    return parser.parse_args(argv)


def resident_id(rng: random.Random) -> str:
    from gonghui.core.validators import resident_id_check_char

    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
    first17 = f"{rng.choice(('110105', '110108', '320102', '440305'))}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_id_check_char(first17)


def generate(path: Path, rows: int, seed: int):
    """Write the roster; return the good rows (name, id, mobile, form label) and the bad-row count."""
    import xlsxwriter

    rng = random.Random(seed)
    seen, good, bad = set(), [], 0
    # Shared strings, as Excel itself writes them (constant_memory mode would write inline strings).
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    previous_id = ""
    for r in range(1, rows + 1):
        number = resident_id(rng)
        while number in seen:
            number = resident_id(rng)
        seen.add(number)
        row = [rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))), number,
               f"1{rng.choice('3456789')}{rng.randrange(10 ** 9):09d}", rng.choice(FORMS), "", ""]
        if r % 100 == 50:  # about 1% bad rows, every kind the import reports
            bad += 1
            kind = BAD_KINDS[(r // 100) % len(BAD_KINDS)]
            if kind == "checksum":
                row[1] = number[:17] + ("0" if number[17] != "0" else "1")
            elif kind == "mobile":
                row[2] = "1234567"
            elif kind == "duplicate":
                row[1] = previous_id
            elif kind == "form":
                row[3] = "宇航员"
            elif kind == "name":
                row[0] = ""
            if kind == "numeric":
                sheet.write_row(r, 0, row)
                sheet.write_number(r, 1, float(number[:17] + "0"))
                continue
        else:
            good.append(row[:4])
            previous_id = number
        sheet.write_row(r, 0, row)
    book.close()
    return good, bad


def floor_rows(good, org, now_db):
    """The Worker and Membership values the import writes, computed outside the timed part."""
    from gonghui.core import privacy
    from gonghui.core.validators import resident_id_birth_date, resident_id_gender
    from gonghui.members.importers import FORMS as FORM_VALUES

    workers = [(name, privacy.encrypt(number), privacy.blind_index(number), privacy.mask_resident_id(number),
                resident_id_gender(number), resident_id_birth_date(number), mobile, FORM_VALUES[form], None,
                org.street_id, org.pk, now_db) for name, number, mobile, form in good]
    return workers


def measure_floor(path: Path, workers, org, user, keep: set[int]) -> tuple[float, float, str]:
    """Calamine parse + the faster of two bulk inserts of the same rows: one transaction, or one
    per IMPORT_CHUNK_ROWS rows (SQLite and PostgreSQL both often prefer the latter at this size)."""
    from django.conf import settings
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    with CalamineWorkbook.from_path(str(path)) as book:
        book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    parse_s = time.perf_counter() - started
    timings = {}
    for label, size in (("one transaction", len(workers)), ("chunked", settings.IMPORT_CHUNK_ROWS)):
        started = time.perf_counter()
        for i in range(0, len(workers), size):
            _insert(workers[i:i + size], org, user)
        timings[label] = time.perf_counter() - started
        clear(keep)
    label = min(timings, key=timings.get)
    return parse_s, timings[label], label


def _insert(workers, org, user) -> None:
    from django.db import transaction
    from django.utils import timezone

    from gonghui.core.bulk import allocate_ids, fast_insert
    from gonghui.members.importers import MEMBERSHIP_FIELDS, WORKER_FIELDS
    from gonghui.members.models import Membership, Worker
    from gonghui.members.services import card_number

    today = timezone.localdate()
    now_db = workers[0][-1]
    with transaction.atomic():
        ids = allocate_ids(Worker, len(workers))
        fast_insert(Worker, WORKER_FIELDS, ((wid, *w) for wid, w in zip(ids, workers, strict=True)))
        mids = allocate_ids(Membership, len(ids))
        fast_insert(Membership, MEMBERSHIP_FIELDS, (
            (mid, wid, org.pk, "active", card_number(mid), today, now_db, now_db, user.pk, "")
            for mid, wid in zip(mids, ids, strict=True)))


def clear(keep_workers: set[int]) -> None:
    """Back to the starting state (the fixture's own rows stay), and let PostgreSQL tidy up."""
    from django.db import connection

    from gonghui.members.models import Membership, Worker

    # Plain SQL: the ORM's delete would collect 100,000 primary keys into one statement's parameters.
    keep = ",".join(str(int(pk)) for pk in keep_workers) or "0"
    with connection.cursor() as cur:
        cur.execute(f'DELETE FROM "{Membership._meta.db_table}" WHERE worker_id NOT IN ({keep})')
        cur.execute(f'DELETE FROM "{Worker._meta.db_table}" WHERE id NOT IN ({keep})')
        if connection.vendor == "postgresql":
            for model in (Worker, Membership):
                cur.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')


def run_import(path: Path, org, user, profile: bool):
    from django.core.files import File

    from gonghui.imports.services import import_start

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    with open(path, "rb") as fh:
        if profiler:
            profiler.enable()
        job = import_start(user=user, kind="roster", org=org, upload=File(fh, name=path.name))
        if profiler:
            profiler.disable()
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return elapsed, job


def scenario():
    """A district, a street, a grassroots union and a street cadre with the import right."""
    from gonghui.accounts.roles import Role
    from gonghui.orgs.models import OrgKind
    from gonghui.orgs.services import org_create
    from gonghui.testing import make_user

    root = org_create(actor=None, parent=None, name="基准区总工会", kind=OrgKind.DISTRICT)
    street = org_create(actor=None, parent=root, name="基准街道总工会", kind=OrgKind.STREET)
    union = org_create(actor=None, parent=street, name="基准联合工会", kind=OrgKind.JOINT)
    return union, make_user("bench-cadre", role=Role.STREET_CADRE, org=street)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(HERE.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings.test")
    import django

    django.setup()
    import logging

    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases

    from gonghui.celery import app as celery_app

    celery_app.conf.task_always_eager = True  # the task runs inline whatever the settings module says
    logging.getLogger("gonghui.imports").setLevel(logging.WARNING)
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"roster-{args.rows}-{args.seed}.xlsx"
    t = time.perf_counter()
    good, bad = generate(path, args.rows, args.seed)
    print(f"generated {path.relative_to(HERE.parent)}: {args.rows} rows, {bad} bad "
          f"({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f}s", flush=True)

    scratch = tempfile.TemporaryDirectory(prefix="gonghui-bench-")
    if connection.vendor == "sqlite":  # a real file (WAL, fsync), not the test settings' in-memory database
        connections["default"].settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        from django.db import connection as conn
        from django.utils import timezone

        from gonghui.members.models import Worker

        union, user = scenario()
        keep = set(Worker.objects.values_list("pk", flat=True))
        now_db = Worker._meta.get_field("created_at").get_db_prep_value(timezone.now(), conn)
        workers = floor_rows(good, union, now_db)
        print(f"database: {conn.vendor} ({conn.settings_dict['NAME']}), chunk {django.conf.settings.IMPORT_CHUNK_ROWS}"
              " rows", flush=True)
        floors, imports = [], []
        for attempt in range(1, args.repeat + 1):
            parse_s, insert_s, how = measure_floor(path, workers, union, user, keep)
            floors.append((parse_s + insert_s, parse_s, insert_s, how))
            elapsed, job = run_import(path, union, user, args.profile and attempt == args.repeat)
            imports.append(elapsed)
            expected = (len(good), bad)
            if (job.created_count, job.failed_count) != expected or job.status != "done":
                print(f"WRONG RESULT: status {job.status}, created {job.created_count}, failed {job.failed_count}, "
                      f"expected {expected}: {job.message}")
                return 1
            clear(keep)
            print(f"  run {attempt}: floor {parse_s + insert_s:.2f}s (parse {parse_s:.2f}s + insert {insert_s:.2f}s"
                  f", {how}), import {elapsed:.2f}s", flush=True)
        floor, parse_s, insert_s, how = min(floors)
        best = min(imports)
        ratio = best / floor
        print(f"floor : {floor:.2f}s  (calamine parse {parse_s:.2f}s + bulk insert of {len(good)} workers and "
              f"memberships {insert_s:.2f}s, {how})")
        print(f"import: {best:.2f}s  (created {len(good)}, bad rows reported {bad})")
        print(f"ratio : {ratio:.2f}x  (target <= 3x) {'OK' if ratio <= 3 else 'OVER TARGET'}")
    finally:
        teardown_databases(old_config, verbosity=0)
        scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
