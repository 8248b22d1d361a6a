"""The database's fastest bulk path for large imports and the demo generator.

COPY on PostgreSQL, one `executemany` on SQLite. Column names come from the model's fields, so
nothing here is a second copy of the schema. Callers validate first; this only writes.
"""

from collections.abc import Iterable, Sequence

from django.db import connection


def allocate_ids(model, count: int) -> list[int]:
    """Reserve `count` primary keys so rows of related tables can be written in the same pass.

    On SQLite the caller must hold the write lock (an IMMEDIATE transaction, our default).
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cur.fetchall()]
        cur.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        start = cur.fetchone()[0] + 1
        return list(range(start, start + count))


def fast_insert(model, field_names: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows (tuples in `field_names` order, values already in database form)."""
    fields = [model._meta.get_field(name) for name in field_names]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            rows = list(rows)
            marks = ", ".join(["%s"] * len(fields))
            cur.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)
            count = len(rows)
    return count
