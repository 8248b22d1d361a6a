"""CI: one roster import end to end through a real Celery worker on Redis, as production runs it.

A scratch SQLite database and media folder are shared by this process (which uploads the file,
as the console does) and a `celery worker` subprocess (which runs the import). Exits non-zero
unless the worker imported every row within the time limit.
"""

import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 500
TIMEOUT = 120


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="gonghui-celery-"))
    env = dict(os.environ,
               DJANGO_SETTINGS_MODULE="gonghui.settings.dev", DEBUG="0", CELERY_TASK_ALWAYS_EAGER="0",
               DATABASE_URL=f"sqlite:///{scratch / 'db.sqlite3'}", MEDIA_ROOT=str(scratch / "media"),
               CELERY_BROKER_URL=os.environ.get("CELERY_REDIS_URL", "redis://127.0.0.1:6379/15"))
    os.environ.update(env)
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import redis
    import xlsxwriter
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.imports.models import ImportJob, ImportStatus
    from gonghui.imports.services import import_start
    from gonghui.testing import District, make_resident_id

    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()
    district = District()
    rng = random.Random(7)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号", "手机号", "用工形式"])
    for row in range(1, ROWS + 1):
        sheet.write_row(row, 0, [f"测试{row}", make_resident_id(rng), f"139{row:08d}", "外卖骑手"])
    book.close()

    worker = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "gonghui", "worker", "--pool", "solo",
         "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env)
    try:
        started = time.monotonic()
        job = import_start(user=district.street1_user, kind="roster", org=district.joint1,
                           upload=SimpleUploadedFile("roster.xlsx", buffer.getvalue()))
        while time.monotonic() - started < TIMEOUT:
            job = ImportJob.objects.get(pk=job.pk)
            if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(f"celery import via {env['CELERY_BROKER_URL']}: status={job.status} created={job.created_count} "
          f"failed={job.failed_count} in {elapsed:.1f}s")
    ok = job.status == ImportStatus.DONE and job.created_count == ROWS and job.failed_count == 0
    print("celery import check: " + ("1 passed, 0 failed" if ok else "0 passed, 1 failed"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
