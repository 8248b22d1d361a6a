"""Hardship care at city scale (issue 4): the "not reviewed for a year" list and a campaign's pre-check re-run.

    .venv/bin/python bench/run.py care [--members 1000000] [--files 200000] [--applications 50000] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench .venv/bin/python bench/run.py care

Writes the cockpit benchmark's city (`bench_cockpit.write_data`: about 10,000 orgs, 50,000 census
enterprises, --members workers with one membership each, 10% of them since left) into a scratch
database, then with `fast_insert`: --files hardship files, one per householder, each under the
householder's union (80% filed, last reviewed over the two years before TODAY, so about half are
overdue; the rest exited, cancelled or on their way to filing), and a district-wide aid campaign with
--applications applications (40% of the applicants householders of a file, in the category that
requires one; income per head 300-1,700 against a limit of 1,500; each of three documents present
95% of the time), pre-checked as at submission.

Then it times, best of --repeat, each next to hand-written SQL run in the same process:

- list: `gonghui.hardship.selectors.overdue_review_list` for a street cadre (and a district cadre), as
  the console shows it: the count and the first page (`hardship.views.PER_PAGE` rows, through Django's
  Paginator); floor: the same COUNT(*) and page (files, householders and unions, all columns) in SQL,
  the page's 50 file ids taken first and only those joined.
- precheck: `gonghui.campaigns.recheck.campaign_precheck_all` over the campaign; floor: one UPDATE
  computing the same findings in SQL (EXISTS for the membership and the filed file, the findings' JSON
  built as text) and writing the rows whose findings changed. Before each run, untimed, the
  applications get back the findings recorded at submission.

The answers (count and page; the stored findings of every application and the number changed) are
compared: a different answer fails the run. Prints both times and the ratios. Goals: list/sql <= 2,
precheck/sql <= 3.
"""

import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal

from _scratch import scratch_database  # bench/ is on sys.path: run as bench/run.py
from bench_cockpit import best_of, city_parser, write_data

GOALS = {"list": 2.0, "precheck": 3.0}
TODAY = dt.date(2025, 1, 15)
LIMIT = Decimal("1500.00")
EVIDENCE = ["身份证", "收入证明", "困难证明"]
LIVE_STEPS = ("applied", "checked", "visited", "reviewed", "publicity")
CAUSES = ("illness", "disability", "accident", "unemployment", "education", "low_income")


def parse_args(argv):
    parser = city_parser("bench_care", goal=max(GOALS.values()), measure="a ratio")
    parser.add_argument("--files", type=int, default=200_000, help="hardship files (one per householder)")
    parser.add_argument("--applications", type=int, default=50_000, help="applications to the campaign")
    return parser.parse_args(argv)


def _status(rng) -> str:
    r = rng.random()
    return "filed" if r < 0.8 else "exited" if r < 0.86 else "cancelled" if r < 0.9 else rng.choice(LIVE_STEPS)


def write_files(args, unions: dict[int, int], rng) -> dict[int, str]:
    """--files hardship files over the city's workers; returns {householder: status}."""
    from django.db import connection, transaction
    from django.utils import timezone

    from gonghui.core.bulk import fast_insert
    from gonghui.hardship.models import HardshipFile

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    day = connection.ops.adapt_datefield_value
    fields = ("householder_id", "org_id", "status", "source", "main_cause", "secondary_causes", "income_per_head",
              "employment", "initial_income_per_head", "initial_employment", "evidence", "filed_on",
              "last_reviewed_on", "closed_on", "retain_until", "created_at", "updated_at")
    householders = rng.sample(sorted(unions), args.files)
    statuses = {}
    for start in range(0, len(householders), 50_000):
        rows = []
        for worker in householders[start:start + 50_000]:
            status = statuses[worker] = _status(rng)
            filed = reviewed = closed = keep = None
            if status in ("filed", "exited", "cancelled"):
                last = TODAY - dt.timedelta(days=rng.randrange(730))
                filed, reviewed = day(last - dt.timedelta(days=rng.randrange(0, 1100, 365))), day(last)
            if status in ("exited", "cancelled"):
                closed, keep = day(TODAY), day(TODAY.replace(year=TODAY.year + 10))
            income = f"{rng.randrange(20_000, 120_000) / 100:.2f}"
            rows.append((worker, unions[worker], status, "visit", rng.choice(CAUSES), "[]", income, "unemployed",
                         income, "unemployed", "", filed, reviewed, closed, keep, now, now))
        with transaction.atomic():
            fast_insert(HardshipFile, fields, rows)
    return statuses


def write_campaign(args, root_id: int, unions: dict[int, int], files: dict[int, str], rng):
    """A district campaign and --applications applications, pre-checked as at submission."""
    from django.db import connection, transaction
    from django.utils import timezone

    from gonghui.campaigns.models import Application, Campaign, Category
    from gonghui.campaigns.services import precheck
    from gonghui.core.bulk import allocate_ids, fast_insert

    campaign = Campaign.objects.create(kind="winter_warmth", title="2025年送温暖", org_id=root_id,
                                       opens_on=TODAY - dt.timedelta(days=30), closes_on=TODAY, budget=10**8,
                                       max_income_per_head=LIMIT, required_evidence=EVIDENCE)
    general = Category.objects.create(campaign=campaign, name="一般困难", amount=500)
    filed_only = Category.objects.create(campaign=campaign, name="建档困难职工", amount=1000,
                                         requires_hardship_file=True)
    n_file = min(int(args.applications * 0.4), len(files))
    file_holders = rng.sample(sorted(files), n_file)
    taken = set(file_holders)
    others = [w for w in rng.sample(sorted(unions), min(len(unions), args.applications * 2)) if w not in taken]
    applicants = file_holders + others[:args.applications - n_file]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    fields = ("id", "campaign_id", "worker_id", "org_id", "category_id", "income_per_head", "account_holder",
              "bank_name", "bank_account_cipher", "bank_account_masked", "declared_hardship_file", "evidence",
              "precheck_ok", "precheck_reasons", "status", "submitted_at", "child_name", "school_level",
              "reject_reason", "evidence_notes", "hardship_confirmed")
    submitted, rows = [], []
    with transaction.atomic():
        ids = allocate_ids(Application, len(applicants))
        for pk, worker in zip(ids, applicants, strict=True):
            in_file = worker in taken
            # A householder not filed today either declared a file kept elsewhere, or had one filed then.
            declared = in_file and files[worker] != "filed" and rng.random() < 0.5
            income = Decimal(rng.randrange(30_000, 170_000)) / 100
            evidence = [e for e in EVIDENCE if rng.random() < 0.95]
            reasons = precheck(campaign, income=income, evidence=evidence)
            submitted.append((pk, not reasons, reasons))
            rows.append((pk, campaign.pk, worker, unions[worker], (filed_only if in_file else general).pk,
                         income, "王伟", "工商银行", "bench", "6222 **** **** 0123", declared,
                         json.dumps(evidence), not reasons, json.dumps(reasons), "submitted", now, "", "", "", "",
                         False))
        fast_insert(Application, fields, rows)
    return campaign, submitted


# --- the floors ---------------------------------------------------------------------------------

IN_SCOPE = "f.org_id IN (SELECT id FROM orgs_org WHERE path LIKE %s) AND f.status = 'filed' AND f.last_reviewed_on < %s"
COUNT_SQL = f"SELECT COUNT(*) FROM hardship_hardshipfile f WHERE {IN_SCOPE}"
# The page's 50 files first (from the index alone), then their householders and unions: joining first makes
# PostgreSQL fetch the householder of every overdue file before its top-N sort.
PAGE_SQL = f"""
SELECT f.*, w.*, o.* FROM (
    SELECT f.id FROM hardship_hardshipfile f WHERE {IN_SCOPE} ORDER BY f.last_reviewed_on, f.id LIMIT %s
) AS p JOIN hardship_hardshipfile f ON f.id = p.id
JOIN members_worker w ON w.id = f.householder_id JOIN orgs_org o ON o.id = f.org_id
ORDER BY f.last_reviewed_on, f.id
"""


def sql_list(path: str, cutoff: dt.date, per_page: int):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(COUNT_SQL, [path + "%", cutoff])
        count = cur.fetchone()[0]
        cur.execute(PAGE_SQL, [path + "%", cutoff, per_page])
        rows = cur.fetchall()
    return count, [r[0] for r in rows]


def _json(value) -> str:
    return json.dumps(value)  # the text the ORM stores on SQLite (json.dumps defaults)


def floor_sql(campaign, vendor: str) -> tuple[str, list]:
    """One UPDATE: the findings of every undecided application computed and stored by SQL alone."""
    pg = vendor == "postgresql"
    not_member = _json({"code": "not_active_member", "field": "campaign"})
    no_file = _json({"code": "hardship_file_missing", "field": "hardship_file"})
    income = _json({"code": "income_over_limit", "field": "income_per_head"})
    has = "a.evidence ? %s" if pg else "EXISTS (SELECT 1 FROM json_each(a.evidence) WHERE value = %s)"
    docs = campaign.required_evidence
    missing = " || ".join(f"CASE WHEN {has} THEN '' ELSE %s END" for _ in docs) or "''"
    parts = f"""
        CASE WHEN EXISTS (SELECT 1 FROM members_membership m JOIN orgs_org o ON o.id = m.org_id
                          WHERE m.worker_id = a.worker_id AND m.status = 'active' AND o.path LIKE %s)
             THEN '' ELSE %s END
     || CASE WHEN c.requires_hardship_file AND NOT a.declared_hardship_file AND NOT EXISTS (
                  SELECT 1 FROM hardship_hardshipfile h WHERE h.householder_id = a.worker_id AND h.status = 'filed')
             THEN %s ELSE '' END
     || CASE WHEN a.income_per_head > %s THEN %s ELSE '' END
     || CASE WHEN ({missing}) = '' THEN '' ELSE %s || rtrim({missing}, ', ') || ']}}, ' END"""
    params = [campaign.org.path + "%", not_member + ", ", no_file + ", ",
              campaign.max_income_per_head if campaign.max_income_per_head is not None else 10**12, income + ", "]
    missing_params = [p for doc in docs for p in (doc, _json(doc) + ", ")]
    params += missing_params + [_json({"code": "evidence_missing", "field": "evidence", "missing": []})[:-2]]
    params += missing_params
    reasons = "('[' || rtrim(f.parts, ', ') || ']')" + ("::jsonb" if pg else "")
    ok = "f.parts = ''"
    sql = f"""
UPDATE campaigns_application SET precheck_ok = {ok}, precheck_reasons = {reasons}
FROM (SELECT a.id, {parts} AS parts
      FROM campaigns_application a JOIN campaigns_category c ON c.id = a.category_id
      WHERE a.campaign_id = %s AND a.status = 'submitted') AS f
WHERE campaigns_application.id = f.id
  AND (campaigns_application.precheck_ok {'IS DISTINCT FROM' if pg else 'IS NOT'} ({ok})
       OR campaigns_application.precheck_reasons {'IS DISTINCT FROM' if pg else 'IS NOT'} {reasons})"""
    return sql, params + [campaign.pk]


def stored(campaign) -> dict:
    from gonghui.campaigns.models import Application

    return {pk: (ok, reasons) for pk, ok, reasons in
            Application.objects.filter(campaign=campaign).values_list("pk", "precheck_ok", "precheck_reasons")}


def time_precheck(campaign, submitted, repeat: int):
    """Best of `repeat` for the service and the floor, each run from the findings recorded at submission."""
    from django.db import connection, transaction

    from gonghui.campaigns.recheck import _store, campaign_precheck_all

    sql, params = floor_sql(campaign, connection.vendor)

    def service():
        return campaign_precheck_all(campaign=campaign)["changed"]

    def floor():
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.rowcount

    best = {"service": float("inf"), "floor": float("inf")}
    answers = {}
    for i in range(repeat):
        for name in (("service", "floor") if i % 2 == 0 else ("floor", "service")):
            with transaction.atomic():
                _store(submitted)  # back to the findings of submission day (untimed)
            t = time.perf_counter()
            changed = (service if name == "service" else floor)()
            best[name] = min(best[name], time.perf_counter() - t)
            answers.setdefault(name, (changed, stored(campaign)))
    return best, answers


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    with scratch_database():
        from django.core.paginator import Paginator
        from django.db import connection as conn

        from gonghui.accounts.roles import Role
        from gonghui.hardship.selectors import overdue_review_list, review_cutoff
        from gonghui.hardship.views import PER_PAGE
        from gonghui.orgs.models import Org
        from gonghui.testing import make_user

        t = time.perf_counter()
        data = write_data(args)
        print(f"database: {conn.vendor} ({conn.settings_dict['NAME']}); wrote {Org.objects.count()} orgs, "
              f"{args.enterprises} enterprises, {args.members} members in {time.perf_counter() - t:.1f}s", flush=True)
        rng = random.Random(args.seed + 1)
        t = time.perf_counter()
        with conn.cursor() as cur:  # each worker's union: the active membership, or the one they left
            cur.execute("SELECT worker_id, org_id FROM members_membership WHERE status IN ('active', 'left')")
            unions = dict(cur.fetchall())
        files = write_files(args, unions, rng)
        t_files = time.perf_counter() - t
        t = time.perf_counter()
        campaign, submitted = write_campaign(args, data["root"], unions, files, rng)
        with conn.cursor() as cur:
            if conn.vendor == "postgresql":
                cur.execute("VACUUM ANALYZE hardship_hardshipfile")
                cur.execute("VACUUM ANALYZE campaigns_application")
            else:
                cur.execute("ANALYZE hardship_hardshipfile")
                cur.execute("ANALYZE campaigns_application")
        print(f"wrote {len(files)} hardship files in {t_files:.1f}s, {len(submitted)} applications "
              f"in {time.perf_counter() - t:.1f}s", flush=True)

        root, street = Org.objects.get(pk=data["root"]), Org.objects.get(pk=data["street"])
        users = [("one street", make_user("bench_street", role=Role.STREET_CADRE, org=street), street),
                 ("district", make_user("bench_district", role=Role.DISTRICT_STAFF, org=root), root)]
        cutoff = review_cutoff(TODAY)
        ratios = {}
        for label, user, org in users:
            user = type(user).objects.get(pk=user.pk)

            def page(user=user, org=org):
                p = Paginator(overdue_review_list(user=user, org=org, today=TODAY), PER_PAGE).get_page(1)
                return p.paginator.count, [f.pk for f in p.object_list]

            t_page, mine = best_of(page, args.repeat)
            t_sql, floor = best_of(lambda org=org: sql_list(org.path, cutoff, PER_PAGE), args.repeat)
            if mine != floor:
                print(f"WRONG RESULT for the {label} list: {mine[0]} {mine[1][:5]} vs sql {floor[0]} {floor[1][:5]}")
                return 1
            ratios[f"list, {label}"] = (t_page / t_sql, GOALS["list"])
            print(f"  list {label:10s}: overdue {mine[0]:6d}  page {len(mine[1])} rows  "
                  f"selector {t_page * 1000:7.2f} ms  sql {t_sql * 1000:7.2f} ms  ratio {t_page / t_sql:.3f}",
                  flush=True)

        best, answers = time_precheck(campaign, submitted, args.repeat)
        if answers["service"] != answers["floor"]:
            (n1, mine), (n2, floor) = answers["service"], answers["floor"]
            diff = [k for k in mine if mine[k] != floor.get(k)][:5]
            print(f"WRONG RESULT for the pre-check: changed {n1} vs {n2}; "
                  + "; ".join(f"{k}: {mine[k]} vs {floor.get(k)}" for k in diff))
            return 1
        changed, findings = answers["service"]
        failing = sum(1 for ok, _reasons in findings.values() if not ok)
        ratio = best["service"] / best["floor"]
        ratios["precheck"] = (ratio, GOALS["precheck"])
        print(f"  precheck       : applications {len(findings)}  changed {changed}  failing {failing}  "
              f"service {best['service'] * 1000:7.1f} ms  sql {best['floor'] * 1000:7.1f} ms  ratio {ratio:.3f}")
        over = [k for k, (r, goal) in ratios.items() if r > goal]
        print("ratios: " + ", ".join(f"{k} {r:.3f} (<= {goal})" for k, (r, goal) in ratios.items())
              + (f"  OVER TARGET: {', '.join(over)}" if over else "  OK"))
        return 1 if args.strict and over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
