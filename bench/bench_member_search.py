"""Member search by a two-character name fragment, against a full-table LIKE scan of the same rows.

    .venv/bin/python bench/run.py member_search [--workers 1000000] [--terms 5] [--repeat 5] [--seed 11]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench .venv/bin/python bench/run.py member_search

Sets up a scratch database with Django's test-database machinery (a temporary SQLite file, or
`test_<name>` on the PostgreSQL server of DATABASE_URL; created, migrated and dropped here) and
writes --workers workers with `gonghui.core.bulk.fast_insert` (executemany / COPY, as imports and
the demo generator do, so the index is kept by its triggers on SQLite), their names drawn by the
demo generator's `PersonNames` (census-weighted surnames, gendered given-name characters). Then,
for --terms two-character fragments (the most frequent one among all the names, then fragments of
random workers' names), it times what the console's member list does per search (the count,
and the first page of 50 rows ORDER BY id DESC):
  floor = `name__contains` alone: `LIKE '%xx%'`, a full-table scan of the same data;
  search = `gonghui.members.search.name_search`: the unigram/bigram index, then LIKE to confirm.
Both per term and repeat, alternating, best of the repeats. Prints both, and search/floor.
Goal: <= 0.1. The result sets are compared: a different answer fails the run.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from _scratch import scratch_database  # bench/ is on sys.path: run as bench/run.py

HERE = Path(__file__).resolve().parent
GOAL = 0.1
PAGE = 50


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench_member_search")
    parser.add_argument("--workers", type=int, default=1_000_000, help="workers written to the scratch database")
    parser.add_argument("--terms", type=int, default=5, help="two-character fragments searched")
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats per fragment and method (best counts)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--strict", action="store_true", help=f"exit 1 when search/floor > {GOAL}")
    return parser.parse_args(argv)


def write_workers(total: int, seed: int, chunk: int = 50_000) -> tuple[list[str], Counter]:
    """Write `total` workers in chunks; returns a sample of their names, and how often each fragment occurs."""
    import hashlib

    from django.db import connection, transaction
    from django.utils import timezone

    from gonghui.core.bulk import fast_insert
    from gonghui.demo.identities import PersonNames
    from gonghui.members.models import Worker

    rng = random.Random(seed)
    people = PersonNames(rng)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    born = connection.ops.adapt_datefield_value(dt.date(1990, 1, 1))
    fields = ("name", "id_cipher", "id_hash", "id_masked", "gender", "birth_date", "mobile", "employment_form",
              "created_at")
    sample, pairs = [], Counter()
    for start in range(0, total, chunk):
        rows = []
        for i in range(start, min(start + chunk, total)):
            male = rng.random() < 0.55
            name = people.name(male)
            rows.append((name, "bench", hashlib.blake2b(str(i).encode(), digest_size=16).hexdigest(),
                         "110105********1234", "M" if male else "F", born, "", "regular", now))
        sample.append(rows[0][0])
        sample += [r[0] for r in rng.sample(rows, min(20, len(rows)))]
        pairs.update(r[0][i:i + 2] for r in rows for i in range(len(r[0]) - 1))
        with transaction.atomic():
            fast_insert(Worker, fields, rows)
    with connection.cursor() as cur:
        # What autovacuum leaves: statistics, and on PostgreSQL the GIN pending list merged into the index.
        cur.execute("VACUUM ANALYZE members_worker" if connection.vendor == "postgresql" else "ANALYZE")
    return sample, pairs


def page_and_count(qs) -> tuple[int, list[int]]:
    return qs.count(), list(qs.order_by("-id").values_list("id", flat=True)[:PAGE])


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def plan(qs) -> str:
    from django.db import connection

    sql, params = qs.order_by("-id").values_list("id", flat=True)[:PAGE].query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("EXPLAIN " + sql, params)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        rows = cur.fetchall()
    return "\n".join("    " + str(r[-1]) for r in rows)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    with scratch_database():
        from django.db import connection as conn

        from gonghui.members.models import Worker
        from gonghui.members.search import name_search

        t = time.perf_counter()
        sample, pairs = write_workers(args.workers, args.seed)
        print(f"database: {conn.vendor} ({conn.settings_dict['NAME']}); wrote {args.workers} workers with "
              f"fast_insert in {time.perf_counter() - t:.1f}s", flush=True)
        rng = random.Random(args.seed)
        # The most frequent fragment first (the worst case: many matches), then random workers' ones.
        terms = [pairs.most_common(1)[0][0]]
        for name in rng.sample(sample, len(sample)):
            i = rng.randrange(len(name) - 1)
            if len(terms) >= args.terms:
                break
            if name[i:i + 2] not in terms:
                terms.append(name[i:i + 2])
        print("plan of the search (first page):\n" + plan(name_search(Worker.objects.all(), terms[0])), flush=True)

        floors, searches = [], []
        for term in terms:
            floor_qs = Worker.objects.filter(name__contains=term)
            search_qs = name_search(Worker.objects.all(), term)
            best_floor = best_search = float("inf")
            for r in range(args.repeat):
                order = [("floor", floor_qs), ("search", search_qs)]
                if r % 2:
                    order.reverse()
                results = {}
                for label, qs in order:
                    elapsed, results[label] = timed(lambda qs=qs: page_and_count(qs))
                    if label == "floor":
                        best_floor = min(best_floor, elapsed)
                    else:
                        best_search = min(best_search, elapsed)
                if results["floor"] != results["search"]:
                    print(f"WRONG RESULT for {term!r}: floor {results['floor'][0]} rows, "
                          f"search {results['search'][0]} rows")
                    return 1
            floors.append(best_floor)
            searches.append(best_search)
            print(f"  {term}: {results['floor'][0]:6d} matches  floor {best_floor * 1000:8.1f} ms  "
                  f"search {best_search * 1000:7.1f} ms  ratio {best_search / best_floor:.3f}", flush=True)
        floor, search = statistics.median(floors), statistics.median(searches)
        ratios = [s / f for s, f in zip(searches, floors, strict=True)]
        ratio = statistics.median(ratios)
        print(f"floor : {floor * 1000:.1f} ms  (median over {len(terms)} fragments: count + first {PAGE} rows, "
              f"LIKE '%xx%' full scan of {args.workers} workers)")
        print(f"search: {search * 1000:.1f} ms  (name_search, same count and page)")
        print(f"ratio : {ratio:.3f}  (median; worst {max(ratios):.3f}; target <= {GOAL}) "
              f"{'OK' if ratio <= GOAL else 'OVER TARGET'}")
        return 1 if args.strict and ratio > GOAL else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
