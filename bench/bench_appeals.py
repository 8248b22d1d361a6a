"""Workers' requests (R3.10) at district scale: a street's queue and the subtree report, against hand-written SQL.

    .venv/bin/python bench/run.py appeals [--appeals 500000] [--members 200000] [--repeat 5] [--seed 7]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench .venv/bin/python bench/run.py appeals

Writes the cockpit benchmark's city (`bench_cockpit.write_data`: about 10,000 orgs, --members workers
with one membership each) into a scratch database, then --appeals requests with `allocate_ids` +
`fast_insert` (executemany / COPY): submitted over the 12 months before now, each by a worker with
an active membership and routed as `routing.route` does (the worker's union; "do not share" sends
5% to the street above it), with spreads of type, category, difficulty and status that follow
each request's life (accepted some hours after filing, answered before or after the answer
deadline, rated, reopened when dissatisfied, closed, merged as a duplicate, waiting for the worker).
Deadlines are those of `policy.py` on the working calendar (`deadlines.set_accept_deadline` /
`set_answer_deadline`, computed once per submission moment and budget: a moment is drawn from a pool
of --moments, because one calendar computation costs about 0.7 ms).

Then, best of --repeat, it times what the console runs for a street cadre, next to the same answer
from hand-written SQL in the same run:
- the queue page with default filters ("all in my area", first page of 25 by answer deadline): the
  paginator's count and the page's rows (`selectors.appeal_list` + `Paginator.get_page`);
- `reports.appeal_report` for the street's subtree and for the district over the last 12 months.
The floor has the same scope rule (a subtree is a prefix of the materialized path). A different
answer fails the run. Prints both times and page/sql. Goal: <= 2.
"""

import bisect
import datetime as dt
import random
import sys
import time

from _scratch import scratch_database  # bench/ is on sys.path: run as bench/run.py
from bench_cockpit import best_of, city_parser, write_data

GOAL = 2.0
PER_PAGE = 25  # gonghui.appeals.views.PER_PAGE, checked below
TYPES = (("consultation", 35), ("help", 25), ("complaint", 25), ("legal_aid", 10), ("suggestion", 5))
CATEGORIES = (("wage_arrears", 30), ("labour_contract", 15), ("social_insurance", 15), ("occupational_injury", 8),
              ("working_hours", 8), ("platform_rules", 12), ("discrimination", 2), ("other", 10))
DIFFICULTIES = (("general", 80), ("difficult", 10), ("complex", 5), ("urgent", 5))
CHANNELS = (("portal", 45), ("hotline", 40), ("station", 10), ("api", 5))
RATINGS = (("satisfied", 70), ("basic", 20), ("dissatisfied", 10))
ANSWERED = ("answered", "rated", "closed")
RUNNING = ("submitted", "accepted", "in_progress")


def parse_args(argv):
    parser = city_parser("bench_appeals", goal=GOAL, measure="page/sql")
    parser.set_defaults(members=200_000)
    parser.add_argument("--appeals", type=int, default=500_000)
    parser.add_argument("--moments", type=int, default=2_000, help="distinct submission moments (calendar cost)")
    return parser.parse_args(argv)


def _picker(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return lambda: rng.choices(values, weights)[0]


class Deadlines:
    """`deadlines.set_accept_deadline` / `set_answer_deadline` for a moment, cached per moment and time limits
    (several types and levels share the same limits)."""

    def __init__(self):
        self.cache = {}

    def __call__(self, moment, appeal_type, difficulty, *, answer_only=False):
        from gonghui.appeals.deadlines import set_accept_deadline, set_answer_deadline
        from gonghui.appeals.models import Appeal
        from gonghui.appeals.policy import time_limits

        key = (moment, time_limits(appeal_type, difficulty), answer_only)
        if key not in self.cache:

            a = Appeal(appeal_type=appeal_type, difficulty=difficulty, submitted_at=moment, answer_clock_from=moment)
            if not answer_only:
                set_accept_deadline(a)
            set_answer_deadline(a, [])
            self.cache[key] = (a.accept_due, a.accept_warn_at, a.answer_due, a.answer_warn_at)
        return self.cache[key]


def write_appeals(args, *, now, handlers: dict) -> dict:
    """`args.appeals` requests over the 12 months before `now`; `handlers` maps a street id to its cadre's id."""
    from django.db import connection, transaction

    from gonghui.appeals.models import Appeal
    from gonghui.core.bulk import allocate_ids, fast_insert

    rng = random.Random(args.seed + 1)
    with connection.cursor() as cur:
        cur.execute("SELECT m.worker_id, m.org_id, o.street_id FROM members_membership m "
                    "JOIN orgs_org o ON o.id = m.org_id WHERE m.status = 'active' ORDER BY m.id")
        members = cur.fetchall()
    start = now - dt.timedelta(days=365)
    moments = sorted({start + dt.timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(args.moments)})
    pick_type, pick_category = _picker(rng, TYPES), _picker(rng, CATEGORIES)
    pick_level, pick_channel, pick_rating = _picker(rng, DIFFICULTIES), _picker(rng, CHANNELS), _picker(rng, RATINGS)
    deadlines = Deadlines()
    adapt = connection.ops.adapt_datetimefield_value
    fields = ("id", "channel", "appeal_type", "category", "difficulty", "description", "user_id", "worker_id",
              "anonymous", "contact_name", "mobile_cipher", "mobile_hash", "mobile_masked", "org_id", "do_not_share",
              "status", "submitted_at", "accepted_at", "answered_at", "rated_at", "closed_at", "accept_due",
              "accept_warn_at", "answer_clock_from", "answer_due", "answer_warn_at", "paused_since", "handler_id",
              "answer", "answered_by_id", "rating", "rating_comment", "reopen_count", "merged_into_id")
    last_in_org: dict[int, int] = {}
    t_rows = t_insert = 0.0
    chunk = 50_000
    for first in range(0, args.appeals, chunk):
        n = min(chunk, args.appeals - first)
        with transaction.atomic():
            t = time.perf_counter()
            rows = []
            for pk in allocate_ids(Appeal, n):
                rows.append(_appeal_row(rng, pk, now, members, moments, deadlines, handlers, last_in_org,
                                        pick_type(), pick_category(), pick_level(), pick_channel(), pick_rating))
            rows = [tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows]
            t_rows += time.perf_counter() - t
            t = time.perf_counter()
            fast_insert(Appeal, fields, rows)
            t_insert += time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE appeals_appeal" if connection.vendor == "postgresql" else "ANALYZE")
    return {"rows (with the deadlines)": t_rows, "insert": t_insert, "calendar computations": len(deadlines.cache)}


def _appeal_row(rng, pk, now, members, moments, deadlines, handlers, last_in_org, appeal_type, category, level,
                channel, pick_rating):
    worker, union, street = members[rng.randrange(len(members))]
    do_not_share = rng.random() < 0.05
    org = street if do_not_share else union
    submitted = moments[rng.randrange(len(moments))]
    accept_due, accept_warn, answer_due, answer_warn = deadlines(submitted, appeal_type, level)
    clock_from = submitted
    accepted = answered = rated = closed = paused = merged_into = None
    rating, reopen_count, status = "", 0, "submitted"
    duplicate_of = last_in_org.get(org)
    last_in_org[org] = pk
    if duplicate_of is not None and rng.random() < 0.01:  # a duplicate, merged into the union's previous request
        closed = submitted + dt.timedelta(hours=rng.uniform(0.5, 30))
        if closed <= now:
            status, merged_into = "closed", duplicate_of
        else:
            closed = None
    if merged_into is None:
        accepted = submitted + dt.timedelta(hours=rng.expovariate(1 / 8))
        # Answered at a share of the time to the deadline: about 80% in time.
        answered = max(accepted + dt.timedelta(minutes=10),
                       submitted + (answer_due - submitted) * rng.uniform(0.05, 1.25))
        if accepted > now:
            accepted = answered = None
        elif answered > now:
            answered = None
            status = rng.choices(("accepted", "in_progress", "waiting_for_worker"), (40, 45, 15))[0]
            if status == "waiting_for_worker":
                paused = accepted + (now - accepted) * rng.random()
        else:
            status = "answered"
            rated = answered + dt.timedelta(hours=rng.expovariate(1 / 48))
            if rated <= now and rng.random() < 0.75:
                status, rating = "rated", pick_rating()
            else:
                rated = None
            if rating == "dissatisfied" and rng.random() < 0.3:
                i = bisect.bisect_right(moments, rated + dt.timedelta(hours=2))
                if i < len(moments) and moments[i] <= now:  # reopened: the answer clock starts again
                    clock_from = moments[i]
                    _a, _w, answer_due, answer_warn = deadlines(clock_from, appeal_type, level, answer_only=True)
                    reopen_count, status = 1, "in_progress"
                    again = clock_from + (answer_due - clock_from) * rng.uniform(0.05, 1.25)
                    if again <= now:
                        status, answered = "answered", again
            if status in ("answered", "rated") and rng.random() < 0.5:
                closed = (rated or answered) + dt.timedelta(days=rng.uniform(1, 10))
                if closed <= now:
                    status = "closed"
                else:
                    closed = None
    handler = handlers.get(street) if accepted else None
    anonymous = channel == "hotline" and rng.random() < 0.05
    return (pk, channel, appeal_type, category, level, "工资被拖欠三个月，请工会帮忙协调。", None,
            None if anonymous else worker, anonymous, "", "", "", "138****1234", org, do_not_share, status,
            submitted, accepted, answered, rated, closed, accept_due, accept_warn, clock_from, answer_due,
            answer_warn, paused, handler, "已协调企业支付。" if answered else "", handler if answered else None,
            rating, "", reopen_count, merged_into)


# --- the floor: the same answers in hand-written SQL -------------------------------------------------------

# The queue's scope is the cadre's subtrees (`selectors._scoped`: no "or my own", a worker's own requests
# are their portal's): the count and the first page by answer deadline over the subtree's requests.
SCOPE = "FROM appeals_appeal a JOIN orgs_org o ON o.id = a.org_id"
PAGE_COLUMNS = """a.id, a.submitted_at, a.appeal_type, a.category, a.anonymous, a.contact_name, w.name, o.name,
       a.status, a.accept_due, a.accept_warn_at, a.accepted_at, a.answer_due, a.answer_warn_at, a.answered_at,
       a.closed_at, a.paused_since, a.merged_into_id"""
PAGE_JOINS = """JOIN orgs_org o ON o.id = a.org_id
LEFT JOIN members_worker w ON w.id = a.worker_id"""
QUEUE_SQL = {
    "subtree": (
        f"SELECT COUNT(*) {SCOPE} WHERE o.path LIKE %(path)s",
        f"SELECT {PAGE_COLUMNS} FROM appeals_appeal a {PAGE_JOINS} WHERE o.path LIKE %(path)s "
        f"ORDER BY a.answer_due, a.id LIMIT {PER_PAGE}",
    ),
}
PERIOD = "o.path LIKE %(path)s AND a.submitted_at >= %(low)s AND a.submitted_at < %(high)s"
REPORT_SQL = f"""
SELECT COUNT(*),
  COUNT(CASE WHEN a.accepted_at <= a.accept_due THEN 1 END),
  COUNT(CASE WHEN a.accepted_at IS NOT NULL OR a.accept_due < %(as_of)s THEN 1 END),
  COUNT(CASE WHEN a.status IN ('answered', 'rated', 'closed') AND a.answered_at <= a.answer_due THEN 1 END),
  COUNT(CASE WHEN a.status IN ('answered', 'rated', 'closed')
             OR (a.status IN ('submitted', 'accepted', 'in_progress') AND a.answer_due < %(as_of)s) THEN 1 END),
  COUNT(CASE WHEN a.rating <> '' THEN 1 END),
  COUNT(CASE WHEN a.rating IN ('satisfied', 'basic') THEN 1 END),
  COUNT(a.answered_at),
  COUNT(CASE WHEN a.reopen_count > 0 THEN 1 END)
{SCOPE} WHERE {PERIOD} AND a.merged_into_id IS NULL
"""
# By type and category, and the merged duplicates (left out of every other figure) in the same pass.
REPORT_GROUPS_SQL = f"""
SELECT a.appeal_type, a.category, a.merged_into_id IS NULL, COUNT(*) {SCOPE} WHERE {PERIOD} GROUP BY 1, 2, 3
"""
FIGURES = ("total", "accepted_on_time", "accept_counted", "answered_on_time", "answer_counted", "rated", "satisfied",
           "answered_ever", "reopened", "merged")


def sql_queue(path: str, user_id: int, form: str) -> tuple[int, list]:
    from django.db import connection

    count_sql, page_sql = QUEUE_SQL[form]
    with connection.cursor() as cur:
        params = {"path": path + "%", "user": user_id}
        cur.execute(count_sql, params)
        count = cur.fetchone()[0]
        cur.execute(page_sql, params)
        return count, [row[0] for row in cur.fetchall()]


def page_queue(user) -> tuple[int, list]:
    """What `views.queue` runs for the default queue: the paginator's count and page 1's rows."""
    from django.core.paginator import Paginator

    from gonghui.appeals import selectors

    page = Paginator(selectors.appeal_list(user=user), PER_PAGE).get_page(None)
    rows = list(page)
    for a in rows:  # the row template reads these; they must come with the page, not one query each
        a.org.name, a.reporter_for_cadre()
    return page.paginator.count, [a.pk for a in rows]


def sql_report(org_id: int, low, high, as_of) -> dict:
    from django.db import connection

    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        cur.execute("SELECT path FROM orgs_org WHERE id = %s", [org_id])
        params = {"path": cur.fetchone()[0] + "%", "low": adapt(low), "high": adapt(high), "as_of": adapt(as_of)}
        cur.execute(REPORT_SQL, params)
        out = dict(zip(FIGURES, [*cur.fetchone(), 0], strict=True))
        cur.execute(REPORT_GROUPS_SQL, params)
        by_type, by_category = {}, {}
        for appeal_type, category, real, n in cur.fetchall():
            if not real:
                out["merged"] += n
                continue
            by_type[appeal_type] = by_type.get(appeal_type, 0) + n
            by_category[category] = by_category.get(category, 0) + n
    out["by_type"], out["by_category"] = by_type, by_category
    return out


def report_figures(report: dict) -> dict:
    from gonghui.appeals.models import AppealType, Category

    out = {k: report[k] for k in FIGURES}
    for key, choices in (("by_type", AppealType), ("by_category", Category)):
        counts = dict(zip(choices.values, (n for _label, n in report[key]), strict=True))
        out[key] = {k: n for k, n in counts.items() if n}
    return out


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    with scratch_database():
        from django.db import connection as conn
        from django.utils import timezone

        from gonghui.accounts.roles import Role
        from gonghui.appeals import views
        from gonghui.appeals.reports import SH, _bounds, appeal_report
        from gonghui.orgs.models import Org
        from gonghui.testing import make_user

        assert views.PER_PAGE == PER_PAGE, "the console's page size changed"
        t = time.perf_counter()
        data = write_data(args)
        root, street = Org.objects.get(pk=data["root"]), Org.objects.get(pk=data["street"])
        district_user = make_user("bench_district", role=Role.DISTRICT_STAFF, org=root)
        street_user = make_user("bench_street", role=Role.STREET_CADRE, org=street)
        handlers = {s: street_user.pk if s == street.pk else district_user.pk
                    for s in Org.objects.filter(kind="street").values_list("pk", flat=True)}
        print(f"database: {conn.vendor} ({conn.settings_dict['NAME']}); wrote {Org.objects.count()} orgs, "
              f"{args.members} members in {time.perf_counter() - t:.1f}s", flush=True)
        now = timezone.now().replace(microsecond=0)
        t = time.perf_counter()
        timings = write_appeals(args, now=now, handlers=handlers)
        print(f"wrote {args.appeals} requests in {time.perf_counter() - t:.1f}s "
              f"({', '.join(f'{k} {v:.1f}s' if isinstance(v, float) else f'{k} {v}' for k, v in timings.items())})",
              flush=True)
        district_user, street_user = (type(u).objects.get(pk=u.pk) for u in (district_user, street_user))
        today = now.astimezone(SH).date()
        start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
        low, high = _bounds(start, today)
        worst = 0.0

        def show(label, figure, t_page, t_sql):
            nonlocal worst
            ratio = t_page / t_sql
            worst = max(worst, ratio)
            print(f"  {label:28s}: {figure:26s}  page {t_page * 1000:8.1f} ms  sql {t_sql * 1000:8.1f} ms  "
                  f"ratio {ratio:.3f}", flush=True)

        t_page, mine = best_of(lambda: page_queue(street_user), args.repeat)
        forms = {}
        for form in QUEUE_SQL:
            forms[form] = best_of(lambda form=form: sql_queue(street.path, street_user.pk, form), args.repeat)
            if mine != forms[form][1]:
                print(f"WRONG RESULT for the street queue: page {mine} vs sql ({form}) {forms[form][1]}")
                return 1
        quicker = min(forms, key=lambda f: forms[f][0])
        show("street queue (count+page 1)", f"{mine[0]} requests, sql: {quicker}", t_page, forms[quicker][0])
        for label, user, org in [("street report (12 months)", street_user, street),
                                 ("district report (12 months)", district_user, root)]:
            t_page, report = best_of(lambda user=user, org=org: appeal_report(
                user=user, org_id=org.pk, start=start, end=today, as_of=now), args.repeat)
            t_sql, floor = best_of(lambda org=org: sql_report(org.pk, low, high, now), args.repeat)
            mine = report_figures(report)
            if mine != floor:
                diff = [f"{k}: page {mine[k]} vs sql {floor[k]}" for k in mine if mine[k] != floor[k]]
                print(f"WRONG RESULT for {label}: " + "; ".join(diff))
                return 1
            show(label, f"{report['total']} requests, {report['on_time_answer']}% on time", t_page, t_sql)
        print(f"ratio : {worst:.3f}  (worst case; page/sql; target <= {GOAL}) "
              f"{'OK' if worst <= GOAL else 'OVER TARGET'}")
        return 1 if args.strict and worst > GOAL else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
