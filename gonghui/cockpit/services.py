"""Repairing the cockpit's tallies: recompute every row from the source tables.

The triggers of migration 0002 keep the tallies current; this is for repair (a trigger dropped by
hand, a restore of one table, a change of the new employment forms). The SQL is the migration's own
backfill, so there is one definition of each figure.
"""

import importlib

from django.db import connection, transaction

_triggers = importlib.import_module("gonghui.cockpit.migrations.0002_tally_triggers")


def tallies_recomputed() -> dict[tuple[int, str], int]:
    """What every tally should hold, computed from scratch (rows that would be zero are left out)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT org_id, metric, value FROM ({_triggers.RECOMPUTE}) AS r")
        return {(org, metric): int(value) for org, metric, value in cur.fetchall() if org is not None and value}


def tallies_stored() -> dict[tuple[int, str], int]:
    """The tallies as the triggers left them (zero rows left out)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT org_id, metric, value FROM {_triggers.TALLY} WHERE value <> 0")
        return {(org, metric): int(value) for org, metric, value in cur.fetchall()}


def tallies_rebuild() -> int:
    """Replace every tally by its recomputation; returns the number of rows written.

    On PostgreSQL writers to the source tables wait (SHARE lock) until the rebuild commits, so no
    change falls between the recount and the switch; on SQLite the write transaction is exclusive.
    """
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(_triggers.PG_LOCK)
        for sql in _triggers.REBUILD:
            cur.execute(sql)
        cur.execute(f"SELECT COUNT(*) FROM {_triggers.TALLY}")
        return cur.fetchone()[0]
