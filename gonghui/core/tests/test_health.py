"""/healthz for the load balancer: 200 with {"status": "ok"} while the database answers."""

from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_needs_no_sign_in_and_no_redirect(client):
    response = client.get("/healthz", follow=False)
    assert response.status_code == 200


@pytest.mark.django_db
def test_healthz_reports_a_database_failure_as_503(client):
    with mock.patch("gonghui.core.health.connection") as conn:
        conn.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
