"""/api/v1/hardship through HTTP: filters, errors, bearer tokens; masking is checked in test_views."""

import datetime as dt

from django.utils import timezone

from gonghui.accounts.services import api_token_issue
from gonghui.hardship.models import HardshipFile


def test_filters_and_bad_filters(client, files):
    client.force_login(files.district)
    ids = lambda **q: [f["id"] for f in client.get("/api/v1/hardship/files", q).json()["items"]]  # noqa: E731
    assert set(ids()) == {files.file1.pk, files.file2.pk}
    assert ids(cause="low_income") == [files.file2.pk]
    assert ids(org_id=files.street1.pk) == [files.file1.pk]
    assert ids(org_id=999999) == []
    HardshipFile.objects.filter(pk=files.file2.pk).update(
        last_reviewed_on=timezone.localdate() - dt.timedelta(days=366))
    assert ids(overdue="true") == [files.file2.pk]
    assert set(ids(never_assisted="true")) == {files.file1.pk, files.file2.pk}
    response = client.get("/api/v1/hardship/files", {"status": "approved"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"
    response = client.get("/api/v1/hardship/files", {"cause": "laziness"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "cause"


def test_bearer_token_worker_gets_own_file(client, files):
    secret = api_token_issue(user=files.worker1_user)
    response = client.get("/api/v1/hardship/mine", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and response.json()["id"] == files.file1.pk
    assert response.json()["householder_id_masked"] == "110105********1239"
    response = client.get("/api/v1/hardship/files", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert [f["id"] for f in response.json()["items"]] == [files.file1.pk]
    assert client.get("/api/v1/hardship/mine", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
