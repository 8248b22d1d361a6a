"""The coverage page (R2.5) at city scale, next to the same answer computed by hand-written SQL.

    .venv/bin/python bench/run.py coverage [--members 1000000] [--repeat 5] [--seed 7]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench .venv/bin/python bench/run.py coverage

Writes the same city as the cockpit benchmark (`bench_cockpit.write_data`: about 10,000 orgs, 50,000
census enterprises, --members workers with one membership each, 70% of them employed by a census
enterprise of their union's street, joined over 18 months, 10% since left, 2% transferred from another
union with the join date kept) into a scratch database.

Then, best of --repeat, it times `gonghui.coverage.selectors.coverage_report` (every figure on the
coverage page: census by street, industry and ownership; members placed by employer; workers and
members by employment form; the 12-month trend of members and covered enterprises) for a district
cadre and for one street, next to the floor: the same figures from four plain SQL queries written by
hand with the same scope rule (an org subtree is a prefix of the materialized path) and the same
way of counting a person once in the trend (plain counts, less the overlaps of the few people with
more than one membership). Both answers are compared; a different answer fails the run. Prints
both and coverage/sql. Goal: <= 2.
"""

import datetime as dt
import sys
import time

from _scratch import scratch_database  # bench/ is on sys.path: run as bench/run.py
from bench_cockpit import best_of, city_parser, write_data

GOAL = 2.0
TODAY = dt.date(2025, 1, 15)  # the benchmark city's memberships were joined between 2023-07 and 2025-01


def parse_args(argv):
    return city_parser("bench_coverage", goal=GOAL, measure="coverage/sql").parse_args(argv)


CENSUS_SQL = """
SELECT e.street_id, COUNT(*), COUNT(e.union_id), COALESCE(SUM(e.headcount), 0),
       COALESCE(SUM(CASE WHEN e.union_id IS NULL THEN e.headcount END), 0)
FROM enterprises_enterprise e
LEFT JOIN orgs_org s ON s.id = e.street_id LEFT JOIN orgs_org u ON u.id = e.union_id
WHERE s.path LIKE %s OR u.path LIKE %s
GROUP BY e.street_id
"""
MEMBERS_SQL = """
SELECT COALESCE(e.street_id, o.street_id), w.employment_form, COUNT(*)
FROM members_membership m JOIN orgs_org o ON o.id = m.org_id JOIN members_worker w ON w.id = m.worker_id
LEFT JOIN enterprises_enterprise e ON e.id = w.employer_id
WHERE m.status = 'active' AND o.path LIKE %s
GROUP BY 1, 2
"""
WORKERS_SQL = """
SELECT w.employment_form, COUNT(*)
FROM members_worker w JOIN orgs_org o ON o.id = w.org_id
WHERE o.path LIKE %s
GROUP BY 1
"""
COUNTED = "m.status IN ('active', 'transferred', 'left') AND m.joined_on IS NOT NULL"
# The people with more than one counted membership in scope (a transfer copies the join date, so the old
# and new rows overlap); the trend counts rows plainly and takes these overlaps off, as the page does.
REPEATS_SQL = f"""
SELECT m.worker_id, m.joined_on, m.ended_on
FROM members_membership m JOIN orgs_org o ON o.id = m.org_id
WHERE {COUNTED} AND o.path LIKE %s AND EXISTS (
    SELECT 1 FROM members_membership m2 JOIN orgs_org o2 ON o2.id = m2.org_id
    WHERE m2.worker_id = m.worker_id AND m2.id <> m.id AND {COUNTED.replace("m.", "m2.")} AND o2.path LIKE %s)
"""


def trend_sql(cutoffs: list[dt.date]) -> tuple[str, str]:
    members = ", ".join(
        "COUNT(CASE WHEN m.joined_on <= %s AND (m.ended_on IS NULL OR m.ended_on > %s) THEN 1 END)"
        for _ in cutoffs)
    covered = ", ".join(
        "COUNT(CASE WHEN u.founded_on <= %s OR (u.founded_on IS NULL AND u.created_at < %s) THEN 1 END)"
        for _ in cutoffs)
    return (
        f"SELECT {members} FROM members_membership m JOIN orgs_org o ON o.id = m.org_id "
        f"WHERE {COUNTED} AND o.path LIKE %s",
        f"SELECT {covered} FROM enterprises_enterprise e LEFT JOIN orgs_org s ON s.id = e.street_id "
        f"JOIN orgs_org u ON u.id = e.union_id WHERE s.path LIKE %s OR u.path LIKE %s",
    )


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def sql_figures(path: str, cutoffs: list[dt.date]) -> dict:
    from django.db import connection
    from django.utils import timezone

    like = path + "%"
    out = {"streets": {}, "forms": {}, "total": [0, 0, 0, 0, 0]}
    with connection.cursor() as cur:
        cur.execute(CENSUS_SQL, [like, like])
        for street, n, covered, people, uncovered in cur.fetchall():
            out["streets"][street] = [n, covered, people, uncovered, 0]
        cur.execute(MEMBERS_SQL, [like])
        for place, form, n in cur.fetchall():
            out["streets"].setdefault(place or "none", [0, 0, 0, 0, 0])[4] += n
            out["forms"].setdefault(form, [0, 0])[0] += n
        cur.execute(WORKERS_SQL, [like])
        for form, n in cur.fetchall():
            out["forms"].setdefault(form, [0, 0])[1] += n
        members_sql, covered_sql = trend_sql(cutoffs)
        member_params = [p for end in cutoffs for p in (end, end)] + [like]
        next_days = [timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
                     for end in cutoffs]
        covered_params = [p for end, nxt in zip(cutoffs, next_days, strict=True) for p in (end, nxt)] + [like, like]
        cur.execute(members_sql, member_params)
        members = [int(v or 0) for v in cur.fetchone()]
        cur.execute(REPEATS_SQL, [like, like])
        repeats = [(w, _date(joined), _date(ended)) for w, joined, ended in cur.fetchall()]
        for i, end in enumerate(cutoffs):
            covering = [w for w, joined, ended in repeats if joined <= end and (ended is None or ended > end)]
            members[i] -= len(covering) - len(set(covering))
        cur.execute(covered_sql, covered_params)
        covered = [int(v or 0) for v in cur.fetchone()]
    for values in out["streets"].values():
        out["total"] = [a + b for a, b in zip(out["total"], values, strict=True)]
    out["trend"] = list(zip(members, covered, strict=True))
    out["forms"] = {k: v for k, v in out["forms"].items()}
    return out


def report_figures(report: dict) -> dict:
    """The same shape as `sql_figures`, read off the page's report."""
    def census(r):
        return [r.enterprises, r.covered, r.headcount, r.uncovered_headcount, r.members]

    return {
        "streets": {r.key: census(r) for r in report["streets"]},
        "forms": {r.key: [r.members, r.workers] for r in report["forms"] if r.members or r.workers},
        "total": census(report["total"]),
        "trend": [(p["members"], p["covered"]) for p in report["trend"]],
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    with scratch_database():
        from django.db import connection as conn

        from gonghui.accounts.models import RoleGrant
        from gonghui.accounts.roles import Role
        from gonghui.coverage.selectors import coverage_report, month_ends
        from gonghui.orgs.models import Org
        from gonghui.testing import make_user

        t = time.perf_counter()
        data = write_data(args)
        print(f"database: {conn.vendor} ({conn.settings_dict['NAME']}); wrote {Org.objects.count()} orgs, "
              f"{args.enterprises} enterprises, {args.members} members in {time.perf_counter() - t:.1f}s", flush=True)
        root, street = Org.objects.get(pk=data["root"]), Org.objects.get(pk=data["street"])
        district_user = make_user("bench_district", role=Role.DISTRICT_STAFF, org=root)
        street_user = make_user("bench_street", role=Role.STREET_CADRE, org=street)
        district_user, street_user = (type(u).objects.get(pk=u.pk) for u in (district_user, street_user))
        assert RoleGrant.objects.count() == 2
        cutoffs = [min(end, TODAY) for end in month_ends(TODAY)]
        worst = 0.0
        for label, user, org in [("district", district_user, root), ("one street", street_user, street)]:
            t_page, report = best_of(lambda user=user: coverage_report(user=user, today=TODAY), args.repeat)
            t_sql, floor = best_of(lambda org=org: sql_figures(org.path, cutoffs), args.repeat)
            mine = report_figures(report)
            if mine != floor:
                for key in mine:
                    if mine[key] != floor[key]:
                        print(f"WRONG RESULT for {label}, {key}: page {mine[key]} vs sql {floor[key]}"[:2000])
                return 1
            ratio = t_page / t_sql
            worst = max(worst, ratio)
            print(f"  {label:10s}: members {report['total'].members:8d}  enterprises {report['total'].enterprises:6d}  "
                  f"page {t_page * 1000:8.1f} ms  sql {t_sql * 1000:8.1f} ms  ratio {ratio:.3f}", flush=True)
        print(f"ratio : {worst:.3f}  (worst case; coverage/sql; target <= {GOAL}) "
              f"{'OK' if worst <= GOAL else 'OVER TARGET'}")
        return 1 if args.strict and worst > GOAL else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
