"""Index workers' names by their characters and character pairs (see gonghui.members.search).

Not a model change: database objects Django does not manage, created per database vendor.

SQLite: a contentless FTS5 table `members_worker_name_fts` (rowid = worker id) whose one column
holds the name's unigrams and bigrams as space-separated tokens ("张 小 三 张小 小三 三"), kept
current by triggers on members_worker, so rows written by executemany (core.bulk.fast_insert,
the demo generator) are indexed too. Triggers cannot call Python functions registered per
connection reliably, nor use a WITH clause, so the tokens are built by a fixed expression of
substr() calls over the first NAME_CHARS characters (the model's max_length). detail=none: the
index keeps only which rows hold a token (searches are single tokens, never phrases).

PostgreSQL: an IMMUTABLE SQL function `gonghui_name_grams(text) RETURNS text[]` (the distinct
unigrams and bigrams) and a GIN expression index on it; searches ask `@>` for the term's grams.
"""

from django.db import migrations

NAME_CHARS = 50
FTS = "members_worker_name_fts"


def _grams_upto(column: str, chars: int) -> str:
    parts = [f"substr({column}, {i}, 1)" for i in range(1, chars + 1)]
    parts += [f"substr({column}, {i}, 2)" for i in range(1, chars)]
    return " || ' ' || ".join(parts)


def grams_sql(column: str) -> str:
    """An SQLite expression: the unigrams then the bigrams of `column`, separated by spaces.

    Bucketed by length so a usual name costs a few substr() calls, not a hundred (measured: the
    trigger's cost per inserted row fell from about 30 to 11 microseconds).
    """
    return (f"CASE WHEN length({column}) <= 4 THEN {_grams_upto(column, 4)} "
            f"WHEN length({column}) <= 12 THEN {_grams_upto(column, 12)} "
            f"ELSE {_grams_upto(column, NAME_CHARS)} END")


def sqlite_statements() -> list[str]:
    new, old = grams_sql("new.name"), grams_sql("old.name")
    insert = f"INSERT INTO {FTS}(rowid, grams) VALUES (new.id, {new});"
    delete = f"INSERT INTO {FTS}({FTS}, rowid, grams) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
        "grams, content='', detail=none, columnsize=0, tokenize='unicode61')",
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON members_worker BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON members_worker BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF id, name ON members_worker "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {FTS}(rowid, grams) SELECT id, {grams_sql('name')} FROM members_worker",
    ]


SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]

PG_CREATE = [
    """
    CREATE OR REPLACE FUNCTION gonghui_name_grams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT ARRAY(
            SELECT DISTINCT substr(t, i, n)
            FROM generate_series(1, char_length(t)) AS i, (VALUES (1), (2)) AS v(n)
            WHERE i + n - 1 <= char_length(t)
        )
    $$
    """,
    "CREATE INDEX IF NOT EXISTS members_worker_name_grams ON members_worker USING gin (gonghui_name_grams(name))",
]

PG_DROP = [
    "DROP INDEX IF EXISTS members_worker_name_grams",
    "DROP FUNCTION IF EXISTS gonghui_name_grams(text)",
]


def run(statements_for):
    def apply(apps, schema_editor):
        statements = statements_for(schema_editor.connection.vendor)
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return apply


def forwards_sql(vendor: str) -> list[str]:
    return {"sqlite": sqlite_statements(), "postgresql": PG_CREATE}.get(vendor, [])


def backwards_sql(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(vendor, [])


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0002_transfer_from_foreign_key"),
    ]

    operations = [
        migrations.RunPython(run(forwards_sql), run(backwards_sql), elidable=False),
    ]
