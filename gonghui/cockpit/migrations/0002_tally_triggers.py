"""Triggers that keep cockpit_orgtally current on every write, ORM or not (see gonghui.cockpit.models).

Not a model change: database objects Django does not manage, created per vendor, like the name index
of members/0003. Bulk imports and the demo generator write members_worker and members_membership
with executemany (SQLite) or COPY (PostgreSQL) through `gonghui.core.bulk.fast_insert`, bypassing
the ORM and its signals; triggers see those rows too.

Every tally change is an upsert "value = value + delta" keyed by (org_id, metric). The deltas are
described once (PARTS: for each source table, SELECT org, metric, delta from one changed row) and
turned into:
- SQLite: row-level AFTER INSERT / DELETE / UPDATE OF <columns that matter> triggers, one upsert per
  part (SQLite has no statement-level triggers). An UPDATE subtracts the old row, adds the new one.
- PostgreSQL: statement-level AFTER triggers with transition tables (old_rows / new_rows), so a COPY
  of 100,000 memberships costs one grouped upsert per statement, not 100,000. Rows are aggregated by
  (org, metric), netted, and upserted in key order (a stable lock order between concurrent writers).

The new employment forms are written into the trigger text (frozen here, as the schema of a
migration is): a change of `gonghui.core.choices.NEW_FORMS` needs a new migration and a rebuild.
A tally never outlives its org: deleting an org deletes its tally rows (trigger on orgs_org), and a
change to a row whose org is already gone adds nothing. Without both, deleting a subtree (or Django's
test flush, which deletes table by table in no fixed order) could leave a tally row pointing at a
deleted org, and the deferred foreign key fails at commit.
Ends with a backfill: REBUILD, the same from-scratch recomputation as `manage.py cockpit_rebuild`.
"""

from django.db import migrations

TALLY = "cockpit_orgtally"
NEW_FORMS = ("courier", "delivery_rider", "domestic", "ride_hailing", "streamer", "truck_driver")
NEW_FORMS_SQL = "(" + ", ".join(f"'{f}'" for f in NEW_FORMS) + ")"
UPSERT_TAIL = f"ON CONFLICT (org_id, metric) DO UPDATE SET value = {TALLY}.value + excluded.value"

# (org expression, metric expression, delta expression, join, condition), over one changed row `{r}`,
# with `{s}` its sign (+1 for a new row, -1 for an old one).
PARTS = {
    "members_membership": [
        ("{r}.org_id", "'members'", "{s}", "", "{r}.status = 'active'"),
        ("{r}.org_id", "'new_form_members'", "{s}", "JOIN members_worker w ON w.id = {r}.worker_id",
         f"{{r}}.status = 'active' AND w.employment_form IN {NEW_FORMS_SQL}"),
    ],
    "enterprises_enterprise": [
        ("{r}.street_id", "'enterprises'", "{s}", "", "1 = 1"),
        ("{r}.street_id", "'covered'", "{s}", "", "{r}.union_id IS NOT NULL"),
        ("{r}.street_id", "'headcount'", "{s} * {r}.headcount", "", "{r}.headcount <> 0"),
    ],
    "outreach_establishmentplan": [
        ("e.street_id", "'plan:' || {r}.stage", "{s}", "JOIN enterprises_enterprise e ON e.id = {r}.enterprise_id",
         "1 = 1"),
    ],
}
# Moving an enterprise to another street moves its plan's count with it (UPDATE only).
ENTERPRISE_PLAN_MOVE = ("{r}.street_id", "'plan:' || p.stage", "{s}",
                        "JOIN outreach_establishmentplan p ON p.enterprise_id = {r}.id", "1 = 1")
# UPDATE OF these columns (SQLite) and the condition under which an update matters at all.
UPDATE_COLUMNS = {
    "members_membership": ("status", "org_id", "worker_id"),
    "enterprises_enterprise": ("street_id", "union_id", "headcount"),
    "outreach_establishmentplan": ("stage", "enterprise_id"),
}
UPDATE_WHEN = {
    "members_membership": "(old.status = 'active' OR new.status = 'active') AND (old.status IS NOT new.status "
                          "OR old.org_id IS NOT new.org_id OR old.worker_id IS NOT new.worker_id)",
    "enterprises_enterprise": "old.street_id IS NOT new.street_id OR (old.union_id IS NULL) <> (new.union_id IS NULL) "
                              "OR old.headcount IS NOT new.headcount",
    "outreach_establishmentplan": "old.stage IS NOT new.stage OR old.enterprise_id IS NOT new.enterprise_id",
}
SHORT = {"members_membership": "membership", "enterprises_enterprise": "enterprise",
         "outreach_establishmentplan": "plan"}


ORG_EXISTS = "EXISTS (SELECT 1 FROM orgs_org g WHERE g.id = {org})"


def _select(part, r: str, s: str, source: str, *, org_must_exist: bool = False) -> str:
    org, metric, delta, join, cond = (x.format(r=r, s=s) for x in part)
    if org_must_exist:
        cond = f"({cond}) AND {ORG_EXISTS.format(org=org)}"
    return f"SELECT {org} AS org_id, {metric} AS metric, {delta} AS d FROM {source} {join} WHERE {cond}"


# ---- SQLite: row-level triggers ----------------------------------------------------------------------------

def _sqlite_upserts(parts, r: str, s: str) -> str:
    # "FROM (SELECT 1) AS one" gives the row's values something to join from; the WHERE clause is also what
    # SQLite needs to parse an INSERT ... SELECT ... ON CONFLICT unambiguously.
    return " ".join(
        f"INSERT INTO {TALLY} (org_id, metric, value) "
        f"{_select(p, r, s, '(SELECT 1) AS one', org_must_exist=True)} {UPSERT_TAIL};"
        for p in parts
    )


def sqlite_create() -> list[str]:
    out = []
    for table, parts in PARTS.items():
        name = f"cockpit_{SHORT[table]}"
        update_parts = parts + ([ENTERPRISE_PLAN_MOVE] if table == "enterprises_enterprise" else [])
        out += [
            f"CREATE TRIGGER IF NOT EXISTS {name}_ai AFTER INSERT ON {table} BEGIN "
            f"{_sqlite_upserts(parts, 'new', '1')} END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_ad AFTER DELETE ON {table} BEGIN "
            f"{_sqlite_upserts(parts, 'old', '-1')} END",
            f"CREATE TRIGGER IF NOT EXISTS {name}_au AFTER UPDATE OF {', '.join(UPDATE_COLUMNS[table])} ON {table} "
            f"WHEN {UPDATE_WHEN[table]} BEGIN "
            f"{_sqlite_upserts(update_parts, 'old', '-1')} {_sqlite_upserts(update_parts, 'new', '1')} END",
        ]
    is_new = "IN " + NEW_FORMS_SQL
    out.append(
        "CREATE TRIGGER IF NOT EXISTS cockpit_worker_au AFTER UPDATE OF employment_form ON members_worker "
        f"WHEN (old.employment_form {is_new}) <> (new.employment_form {is_new}) BEGIN "
        f"INSERT INTO {TALLY} (org_id, metric, value) "
        f"SELECT m.org_id, 'new_form_members', CASE WHEN new.employment_form {is_new} THEN 1 ELSE -1 END "
        f"FROM members_membership m WHERE m.worker_id = new.id AND m.status = 'active' "
        f"AND {ORG_EXISTS.format(org='m.org_id')} {UPSERT_TAIL}; END"
    )
    out.append(f"CREATE TRIGGER IF NOT EXISTS cockpit_org_ad AFTER DELETE ON orgs_org BEGIN "
               f"DELETE FROM {TALLY} WHERE org_id = old.id; END")
    return out


def sqlite_drop() -> list[str]:
    names = [f"cockpit_{SHORT[t]}_{op}" for t in PARTS for op in ("ai", "ad", "au")]
    names += ["cockpit_worker_au", "cockpit_org_ad"]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in names]


# ---- PostgreSQL: statement-level triggers with transition tables ---------------------------------------------

def _pg_upsert(selects: list[str]) -> str:
    union = " UNION ALL ".join(selects)
    return (f"INSERT INTO {TALLY} (org_id, metric, value) SELECT org_id, metric, SUM(d) FROM ({union}) AS x "
            f"WHERE org_id IS NOT NULL AND {ORG_EXISTS.format(org='x.org_id')} "
            f"GROUP BY org_id, metric HAVING SUM(d) <> 0 ORDER BY org_id, metric "
            f"{UPSERT_TAIL};")


def _pg_function(table: str) -> str:
    parts = PARTS[table]
    update_parts = parts + ([ENTERPRISE_PLAN_MOVE] if table == "enterprises_enterprise" else [])
    new = [_select(p, "n", "1", "new_rows n") for p in parts]
    old = [_select(p, "o", "-1", "old_rows o") for p in parts]
    upd = ([_select(p, "o", "-1", "old_rows o") for p in update_parts]
           + [_select(p, "n", "1", "new_rows n") for p in update_parts])
    return f"""
    CREATE OR REPLACE FUNCTION gonghui_cockpit_{SHORT[table]}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN {_pg_upsert(new)}
        ELSIF TG_OP = 'DELETE' THEN {_pg_upsert(old)}
        ELSE {_pg_upsert(upd)}
        END IF;
        RETURN NULL;
    END $$
    """


def pg_create() -> list[str]:
    out = []
    for table in PARTS:
        short = SHORT[table]
        out += [
            _pg_function(table),
            f"CREATE TRIGGER cockpit_{short}_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION gonghui_cockpit_{short}()",
            f"CREATE TRIGGER cockpit_{short}_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION gonghui_cockpit_{short}()",
            f"CREATE TRIGGER cockpit_{short}_upd AFTER UPDATE ON {table} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION gonghui_cockpit_{short}()",
        ]
    is_new = "IN " + NEW_FORMS_SQL
    out += [
        f"""
        CREATE OR REPLACE FUNCTION gonghui_cockpit_worker() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TALLY} (org_id, metric, value)
            SELECT m.org_id, 'new_form_members',
                   SUM(CASE WHEN n.employment_form {is_new} THEN 1 ELSE -1 END)
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            JOIN members_membership m ON m.worker_id = n.id AND m.status = 'active'
            WHERE (o.employment_form {is_new}) <> (n.employment_form {is_new})
              AND {ORG_EXISTS.format(org='m.org_id')}
            GROUP BY m.org_id HAVING SUM(CASE WHEN n.employment_form {is_new} THEN 1 ELSE -1 END) <> 0
            ORDER BY m.org_id
            {UPSERT_TAIL};
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER cockpit_worker_upd AFTER UPDATE ON members_worker "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION gonghui_cockpit_worker()",
        f"""
        CREATE OR REPLACE FUNCTION gonghui_cockpit_org() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM {TALLY} WHERE org_id IN (SELECT id FROM old_rows);
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER cockpit_org_del AFTER DELETE ON orgs_org REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION gonghui_cockpit_org()",
    ]
    return out


def pg_drop() -> list[str]:
    out = [f"DROP TRIGGER IF EXISTS cockpit_{SHORT[t]}_{op} ON {t}" for t in PARTS for op in ("ins", "del", "upd")]
    out += ["DROP TRIGGER IF EXISTS cockpit_worker_upd ON members_worker",
            "DROP TRIGGER IF EXISTS cockpit_org_del ON orgs_org"]
    out += [f"DROP FUNCTION IF EXISTS gonghui_cockpit_{s}()" for s in [*SHORT.values(), "worker", "org"]]
    return out


# ---- The from-scratch recomputation (backfill here; repair through `manage.py cockpit_rebuild`) ---------------

RECOMPUTE = f"""
    SELECT org_id, 'members' AS metric, COUNT(*) AS value FROM members_membership
    WHERE status = 'active' GROUP BY org_id
    UNION ALL
    SELECT m.org_id, 'new_form_members', COUNT(*) FROM members_membership m
    JOIN members_worker w ON w.id = m.worker_id
    WHERE m.status = 'active' AND w.employment_form IN {NEW_FORMS_SQL} GROUP BY m.org_id
    UNION ALL
    SELECT street_id, 'enterprises', COUNT(*) FROM enterprises_enterprise GROUP BY street_id
    UNION ALL
    SELECT street_id, 'covered', COUNT(*) FROM enterprises_enterprise WHERE union_id IS NOT NULL GROUP BY street_id
    UNION ALL
    SELECT street_id, 'headcount', SUM(headcount) FROM enterprises_enterprise GROUP BY street_id
    HAVING SUM(headcount) <> 0
    UNION ALL
    SELECT e.street_id, 'plan:' || p.stage, COUNT(*) FROM outreach_establishmentplan p
    JOIN enterprises_enterprise e ON e.id = p.enterprise_id GROUP BY e.street_id, p.stage
"""
REBUILD = [
    f"DELETE FROM {TALLY}",
    f"INSERT INTO {TALLY} (org_id, metric, value) SELECT org_id, metric, value FROM ({RECOMPUTE}) AS r",
]
PG_LOCK = ("LOCK TABLE members_membership, members_worker, enterprises_enterprise, outreach_establishmentplan "
           "IN SHARE MODE")


def forwards_sql(vendor: str) -> list[str]:
    return {"sqlite": sqlite_create() + REBUILD, "postgresql": [PG_LOCK, *pg_create(), *REBUILD]}.get(vendor, [])


def backwards_sql(vendor: str) -> list[str]:
    return {"sqlite": [*sqlite_drop(), f"DELETE FROM {TALLY}"],
            "postgresql": [*pg_drop(), f"DELETE FROM {TALLY}"]}.get(vendor, [])


def run(statements_for):
    def apply(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for sql in statements_for(schema_editor.connection.vendor):
                cursor.execute(sql)

    return apply


class Migration(migrations.Migration):

    dependencies = [
        ("cockpit", "0001_initial"),
        ("members", "0003_worker_name_search_index"),
        ("enterprises", "0001_initial"),
        ("outreach", "0001_initial"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(run(forwards_sql), run(backwards_sql), elidable=False),
    ]
