"""The leaders' cockpit (R5.2): figures read from trigger-kept tallies, against DuckDB computing them from the rows.

    .venv/bin/python bench/run.py cockpit [--members 1000000] [--repeat 5] [--seed 7]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench .venv/bin/python bench/run.py cockpit

Sets up a scratch database with Django's test-database machinery (a temporary SQLite file, or
`test_<name>` on the PostgreSQL server of DATABASE_URL; created, migrated and dropped here) and
writes, with `gonghui.core.bulk.fast_insert` (executemany / COPY, as the roster import and the demo
generator do, so the tallies are kept by the triggers alone): a district of --streets streets with
--unions grassroots unions spread over them (about 10,000 orgs), --enterprises census enterprises
(40% covered by a union of their street, a plan at a random stage for each of the others), and
--members workers with one membership each (90% active, 10% left; 30% in a new employment form).

Then, best of --repeat, it times `gonghui.cockpit.selectors.cockpit_figures` (headline figures and
one tile per child org) for the whole district and for one street, next to the floor: DuckDB
computing the same figures (members, new-form members, census enterprises, covered enterprises,
census headcount, plans per stage, per child org) from the same tables. DuckDB's sqlite/postgres
scanner extensions cannot be downloaded here, so the needed columns are exported to CSV and loaded
into an in-process DuckDB; only DuckDB's query is timed. Both answers are compared: a different
answer fails the run. Prints both, and cockpit/duckdb. Goal: <= 1, and flat from 100,000 to
1,000,000 members.
"""

import argparse
import csv
import datetime as dt
import hashlib
import os
import random
import sys
import time
from pathlib import Path

from _scratch import scratch_database  # bench/ is on sys.path: run as bench/run.py

HERE = Path(__file__).resolve().parent
GOAL = 1.0
NEW_FORMS = ("courier", "delivery_rider", "domestic", "ride_hailing", "streamer", "truck_driver")
FORMS = ("regular", "dispatched", "flexible", "other")
STAGES = ("not_started", "visited", "preparing", "established", "declined")
FIRST_JOIN = dt.date(2023, 7, 10)
NAMES = ("王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴芳", "欧阳明", "司马光辉")


def city_parser(prog: str, *, goal: float, measure: str) -> argparse.ArgumentParser:
    """The options of a benchmark on the city written by `write_data` (also used by bench_coverage)."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--members", type=int, default=1_000_000, help="workers (one membership each)")
    parser.add_argument("--streets", type=int, default=20)
    parser.add_argument("--unions", type=int, default=9_600, help="grassroots unions, spread over the streets")
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats per method (best counts)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--strict", action="store_true", help=f"exit 1 when {measure} > {goal}")
    return parser


def parse_args(argv):
    return city_parser("bench_cockpit", goal=GOAL, measure="cockpit/duckdb").parse_args(argv)


def write_data(args) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from gonghui.core.bulk import allocate_ids, fast_insert
    from gonghui.enterprises.models import Enterprise
    from gonghui.members.models import Membership, Worker
    from gonghui.orgs.models import Org
    from gonghui.outreach.models import EstablishmentPlan

    rng = random.Random(args.seed)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    born = connection.ops.adapt_datefield_value(dt.date(1990, 1, 1))
    org_fields = ("id", "name", "kind", "parent_id", "path", "depth", "street_id", "status", "chair_name", "address",
                  "joint_area", "industry", "serves_forms", "created_at")
    timings = {}
    t = time.perf_counter()
    with transaction.atomic():
        root, *ids = allocate_ids(Org, 1 + args.streets + args.unions)
        street_ids, union_ids = ids[:args.streets], ids[args.streets:]
        rows = [(root, "区总工会", "district", None, f"/{root}/", 0, None, "active", "", "", "", "", "[]", now)]
        rows += [(s, f"街道{i}", "street", root, f"/{root}/{s}/", 1, s, "active", "", "", "", "", "[]", now)
                 for i, s in enumerate(street_ids)]
        union_street = {}
        for i, u in enumerate(union_ids):
            s = street_ids[i % len(street_ids)]
            union_street[u] = s
            rows.append((u, f"工会{i}", "grassroots", s, f"/{root}/{s}/{u}/", 2, s, "active", "", "", "", "", "[]",
                         now))
        fast_insert(Org, org_fields, rows)
        unions_by_street = {s: [u for u in union_ids if union_street[u] == s] for s in street_ids}

        ent_ids = allocate_ids(Enterprise, args.enterprises)
        ent_rows, plan_rows = [], []
        enterprises_by_street = {s: [] for s in street_ids}
        for i, e in enumerate(ent_ids):
            s = rng.choice(street_ids)
            enterprises_by_street[s].append(e)
            union = rng.choice(unions_by_street[s]) if rng.random() < 0.4 else None
            ent_rows.append((e, f"B{i:016d}", f"企业{i}", "C", "private", rng.randint(5, 300), s, "", union, now, now))
            if union is None:
                plan_rows.append((e, rng.choice(STAGES), "", "", False, now, now))
        fast_insert(Enterprise, ("id", "credit_code", "name", "industry", "ownership", "headcount", "street_id",
                                 "address", "union_id", "created_at", "updated_at"), ent_rows)
        fast_insert(EstablishmentPlan, ("enterprise_id", "stage", "declined_reason", "next_step", "demonstration",
                                        "created_at", "updated_at"), plan_rows)
    timings["orgs+enterprises+plans"] = time.perf_counter() - t

    worker_fields = ("id", "name", "id_cipher", "id_hash", "id_masked", "gender", "birth_date", "mobile",
                     "employment_form", "street_id", "org_id", "employer_id", "created_at")
    membership_fields = ("id", "worker_id", "org_id", "status", "card_no", "joined_on", "ended_on", "applied_at",
                         "note")
    adapt_date = connection.ops.adapt_datefield_value
    t_workers = t_members = 0.0
    chunk = 50_000
    for start in range(0, args.members, chunk):
        n = min(chunk, args.members - start)
        with transaction.atomic():
            wids = allocate_ids(Worker, n)
            mids = allocate_ids(Membership, n + n // 25)  # with spares for the 2% who transferred
            mids, spare_mids = mids[:n], iter(mids[n:])
            workers, memberships = [], []
            for i, (wid, mid) in enumerate(zip(wids, mids, strict=True)):
                union = rng.choice(union_ids)
                street = union_street[union]
                # 70% work for a census enterprise of their union's street (the coverage page places members by
                # employer); the rest have no census employer.
                employer = (rng.choice(enterprises_by_street[street])
                            if enterprises_by_street[street] and rng.random() < 0.7 else None)
                active = rng.random() < 0.9
                form = rng.choice(NEW_FORMS) if rng.random() < 0.3 else rng.choice(FORMS)
                workers.append((wid, rng.choice(NAMES), "bench",
                                hashlib.blake2b(str(start + i).encode(), digest_size=16).hexdigest(),
                                "110105********1234", "M", born, "", form, street,
                                union if active else None, employer, now))
                # Joined over the 18 months before 2025-01-01; those who left did so within 300 days of joining.
                joined = FIRST_JOIN + dt.timedelta(days=rng.randrange(540))
                ended = None if active else adapt_date(joined + dt.timedelta(days=rng.randrange(1, 300)))
                memberships.append((mid, wid, union, "active" if active else "left", f"C{mid}", adapt_date(joined),
                                    ended, now, ""))
                if active and rng.random() < 0.02:  # transferred in: the old row keeps the same join date
                    old_mid = next(spare_mids, None)
                    if old_mid is not None:
                        moved = adapt_date(joined + dt.timedelta(days=rng.randrange(1, 200)))
                        memberships.append((old_mid, wid, rng.choice(union_ids), "transferred", f"C{old_mid}",
                                            adapt_date(joined), moved, now, ""))
            t = time.perf_counter()
            fast_insert(Worker, worker_fields, workers)
            t_workers += time.perf_counter() - t
            t = time.perf_counter()
            fast_insert(Membership, membership_fields, memberships)
            t_members += time.perf_counter() - t
    timings["workers"] = t_workers
    timings["memberships (with the tally triggers)"] = t_members
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"root": root, "street": street_ids[0], "timings": timings}


EXPORTS = {
    "org": ("SELECT id, path FROM orgs_org", {"id": "BIGINT", "path": "VARCHAR"}),
    "w": ("SELECT id, employment_form FROM members_worker", {"id": "BIGINT", "employment_form": "VARCHAR"}),
    "m": ("SELECT worker_id, org_id, status FROM members_membership",
          {"worker_id": "BIGINT", "org_id": "BIGINT", "status": "VARCHAR"}),
    "e": ("SELECT id, street_id, union_id, headcount FROM enterprises_enterprise",
          {"id": "BIGINT", "street_id": "BIGINT", "union_id": "BIGINT", "headcount": "BIGINT"}),
    "p": ("SELECT enterprise_id, stage FROM outreach_establishmentplan",
          {"enterprise_id": "BIGINT", "stage": "VARCHAR"}),
}


def load_duckdb(folder: str):
    """Copy the needed columns of the source tables into an in-process DuckDB (through CSV files)."""
    import duckdb
    from django.db import connection

    db = duckdb.connect()
    for name, (sql, columns) in EXPORTS.items():
        path = os.path.join(folder, f"{name}.csv")
        with connection.cursor() as cur, open(path, "w", newline="") as out:
            cur.execute(sql)
            writer = csv.writer(out)
            writer.writerow(list(columns))
            while rows := cur.fetchmany(50_000):
                writer.writerows(rows)
        cols = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
        db.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header=true, columns={{{cols}}})")
    return db


DUCK_SQL = f"""
WITH o AS (
    SELECT id, CASE WHEN path = $path THEN '' ELSE split_part(substr(path, $start), '/', 1) END AS child
    FROM org WHERE starts_with(path, $path)
)
SELECT child, metric, SUM(v) FROM (
    SELECT o.child, 'members' AS metric, COUNT(*) AS v FROM m JOIN o ON o.id = m.org_id
    WHERE m.status = 'active' GROUP BY o.child
    UNION ALL
    SELECT o.child, 'new_form_members', COUNT(*) FROM m JOIN w ON w.id = m.worker_id JOIN o ON o.id = m.org_id
    WHERE m.status = 'active' AND w.employment_form IN ({", ".join(f"'{f}'" for f in NEW_FORMS)}) GROUP BY o.child
    UNION ALL
    SELECT o.child, 'enterprises', COUNT(*) FROM e JOIN o ON o.id = e.street_id GROUP BY o.child
    UNION ALL
    SELECT o.child, 'covered', COUNT(e.union_id) FROM e JOIN o ON o.id = e.street_id GROUP BY o.child
    UNION ALL
    SELECT o.child, 'headcount', SUM(e.headcount) FROM e JOIN o ON o.id = e.street_id GROUP BY o.child
    UNION ALL
    SELECT o.child, 'plan:' || p.stage, COUNT(*) FROM p JOIN e ON e.id = p.enterprise_id
    JOIN o ON o.id = e.street_id GROUP BY o.child, p.stage
) GROUP BY child, metric
"""


def duck_figures(db, path: str) -> dict:
    rows = db.execute(DUCK_SQL, {"path": path, "start": len(path) + 1}).fetchall()
    return {(str(child), metric): int(v) for child, metric, v in rows if v}


def cockpit_as_dict(result) -> dict:
    out = {}
    parts = [("", result["own"])] + [(str(t.org.pk), t.figures) for t in result["tiles"]]
    for key, f in parts:
        for metric in ("members", "new_form_members", "enterprises", "covered", "headcount"):
            if getattr(f, metric):
                out[(key, metric)] = getattr(f, metric)
        for stage, n in f.plans.items():
            if n:
                out[(key, f"plan:{stage}")] = n
    return out


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    with scratch_database() as scratch_dir:
        from django.db import connection as conn

        from gonghui.accounts.models import RoleGrant
        from gonghui.accounts.roles import Role
        from gonghui.cockpit.selectors import cockpit_figures
        from gonghui.cockpit.services import tallies_recomputed, tallies_stored
        from gonghui.orgs.models import Org
        from gonghui.testing import make_user

        t = time.perf_counter()
        data = write_data(args)
        print(f"database: {conn.vendor} ({conn.settings_dict['NAME']}); wrote {Org.objects.count()} orgs, "
              f"{args.enterprises} enterprises, {args.members} members in {time.perf_counter() - t:.1f}s "
              f"({', '.join(f'{k} {v:.1f}s' for k, v in data['timings'].items())})", flush=True)
        if tallies_stored() != tallies_recomputed():
            print("TALLIES DIFFER FROM A RECOMPUTATION")
            return 1
        t = time.perf_counter()
        db = load_duckdb(str(scratch_dir))
        print(f"duckdb: loaded the same rows in {time.perf_counter() - t:.1f}s (not timed below)", flush=True)
        user = make_user("bench_district")
        RoleGrant.objects.create(user=user, role=Role.DISTRICT_STAFF, org_id=data["root"])
        user = type(user).objects.get(pk=user.pk)
        cases = [("district", Org.objects.get(pk=data["root"])), ("one street", Org.objects.get(pk=data["street"]))]
        worst = 0.0
        for label, org in cases:
            t_cockpit, result = best_of(lambda org=org: cockpit_figures(user=user, org=org), args.repeat)
            t_duck, duck = best_of(lambda org=org: duck_figures(db, org.path), args.repeat)
            mine = cockpit_as_dict(result)
            if mine != duck:
                diff = sorted(k for k in mine.keys() | duck.keys() if mine.get(k) != duck.get(k))[:10]
                print(f"WRONG RESULT for {label}: " + ", ".join(f"{k}: {mine.get(k)} vs {duck.get(k)}" for k in diff))
                return 1
            ratio = t_cockpit / t_duck
            worst = max(worst, ratio)
            total = result["total"]
            print(f"  {label:10s}: members {total.members:8d}  tiles {len(result['tiles']):4d}  "
                  f"cockpit {t_cockpit * 1000:7.2f} ms  duckdb {t_duck * 1000:7.2f} ms  ratio {ratio:.3f}", flush=True)
        print(f"ratio : {worst:.3f}  (worst case; cockpit/duckdb; target <= {GOAL}) "
              f"{'OK' if worst <= GOAL else 'OVER TARGET'}")
        return 1 if args.strict and worst > GOAL else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
