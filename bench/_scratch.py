"""A scratch database for a benchmark: a real SQLite file (WAL, fsync) or `test_<name>` on PostgreSQL.

Uses Django's own test-database machinery, so the schema is exactly what migrations make; the
database is dropped and the scratch folder removed afterwards, whatever happens. Yields the
scratch folder for any other files the benchmark writes.
"""

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def scratch_database():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings.test")
    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases

    scratch = tempfile.TemporaryDirectory(prefix="gonghui-bench-")
    if connection.vendor == "sqlite":  # a real file, not the test settings' in-memory database
        connections["default"].settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        yield Path(scratch.name)
    finally:
        teardown_databases(old_config, verbosity=0)
        scratch.cleanup()
