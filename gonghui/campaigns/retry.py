"""Retry a whole write when SQLite reports a lock.

On a file database the busy timeout (settings: 20 s, IMMEDIATE transactions) already makes writers
queue, so this rarely fires. SQLite's shared-cache in-memory database (the test database) ignores
the busy timeout and fails at once with "database table is locked"; a retry of the complete
transaction is then correct, because nothing of the failed attempt was committed. PostgreSQL waits
on its row locks and never gets here.
"""

import random
import time
from functools import wraps

from django.db import OperationalError, connection

ATTEMPTS = 200


def _is_lock_error(exc: OperationalError) -> bool:
    return "locked" in str(exc).lower()


def retry_on_lock(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        for attempt in range(ATTEMPTS):
            try:
                return fn(*args, **kwargs)
            except OperationalError as exc:
                # Inside an outer transaction the caller owns the retry: we cannot redo their work.
                if connection.in_atomic_block or not _is_lock_error(exc) or attempt == ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.001, 0.002 * min(attempt + 1, 10)))  # noqa: S311 - jitter only
        raise AssertionError("unreachable")

    return wrapper
