"""The weekly scheduled import: every file in the drop folder is imported once, then moved with its summary."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.enterprises.models import Enterprise
from gonghui.outreach.importers import registrations_import_path
from gonghui.outreach.models import EstablishmentPlan
from gonghui.outreach.tasks import registrations_inbox_import, registrations_inbox_task
from gonghui.outreach.tests.test_registrations import MODELS, NEW1, NEW2, _file
from gonghui.testing import snapshot


def _drop(folder, name: str, content: bytes):
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)


def test_the_weekly_job_imports_each_waiting_file_once(district, tmp_path):
    inbox = tmp_path / "inbox"
    content = _file(district).read()
    _drop(inbox, "2025-w01.csv", content)
    _drop(inbox, "2025-w02.csv", content)  # the same file delivered again the next week
    (inbox / "readme.txt").write_text("not a registrations file")
    first, second = registrations_inbox_import(inbox)
    assert (first["created"], first["matched"], first["plans"], first["errors"]) == (2, 2, 3, [])
    assert (second["created"], second["matched"], second["plans"]) == (0, 4, 0)
    assert Enterprise.objects.filter(credit_code__in=[NEW1, NEW2]).count() == 2
    assert EstablishmentPlan.objects.count() == 3
    # Both files moved to done/ with their summaries; the folder is empty of work, so a rerun does nothing.
    done = sorted(p.name for p in (inbox / "done").iterdir())
    assert len(done) == 4 and all(n.endswith(("-2025-w01.csv", "-2025-w02.csv", ".json")) for n in done)
    summary = json.loads(next((inbox / "done").glob("*w01.csv.json")).read_text())
    assert summary["created"] == 2
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["readme.txt"]
    before = snapshot(*MODELS)
    assert registrations_inbox_import(inbox) == []
    assert snapshot(*MODELS) == before


def test_bad_rows_are_listed_and_a_refused_file_goes_to_failed(district, tmp_path):
    inbox = tmp_path / "inbox"
    extra = "91110105ABCDEFGH12,坏代码公司,C,私营,5,东街道,\n"
    _drop(inbox, "a.csv", _file(district, extra).read())
    _drop(inbox, "b.csv", "企业名称,地址\n某公司,某地\n".encode())  # no credit code column: refused whole
    before = snapshot(*MODELS)
    good, refused = registrations_inbox_import(inbox)
    assert good["created"] == 2 and [(e["row"], e["column"]) for e in good["errors"]] == [(6, "统一社会信用代码")]
    assert refused["refused"] and "rows" not in refused
    assert (inbox / "failed").is_dir() and len(list((inbox / "failed").glob("*b.csv"))) == 1
    # The refused file changed nothing: only the good file's two enterprises (and their plans) were added.
    after = snapshot(*MODELS)
    assert after != before and Enterprise.objects.filter(name="某公司").count() == 0
    assert Enterprise.objects.count() == 5


def test_the_job_is_scheduled_weekly_and_runs_on_the_configured_inbox(district, tmp_path, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["outreach-registrations-weekly"]
    assert entry["task"] == registrations_inbox_task.name
    assert entry["schedule"].day_of_week == {1}  # Monday
    settings.REGISTRATIONS_INBOX = tmp_path / "drop"
    _drop(settings.REGISTRATIONS_INBOX, "w.csv", _file(district).read())
    registrations_inbox_task.apply()
    assert Enterprise.objects.filter(credit_code=NEW1).exists()


def test_a_missing_inbox_is_not_an_error(db, tmp_path):
    assert registrations_inbox_import(tmp_path / "nowhere") == []


def test_a_system_import_needs_no_user_and_a_user_import_is_never_a_system_one(district, tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(_file(district).read())
    before = snapshot(*MODELS)
    for actor, system in ((None, False), (district.street1_user, True)):
        with pytest.raises(PermissionDenied):
            registrations_import_path(actor=actor, org=district.root, path=str(path), system=system)
    assert snapshot(*MODELS) == before
