"""POST /api/v1/auth/token, bearer and session authentication, and the API's shared answers.

`ApiClient` and `api_as` are used by every app's test_api*.py: they sign in through the token
endpoint, as a real client does.
"""

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import ApiToken, User
from gonghui.audit.models import AuditEvent
from gonghui.core.api import api
from gonghui.orgs.models import Org
from gonghui.testing import PASSWORD, snapshot

PREFIX = "/api/v1"


class ApiClient:
    """A test client speaking JSON to /api/v1 with a bearer token (or anonymously)."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, params=None, **extra):
        return self.client.get(PREFIX + path, params or {}, **self.headers, **extra)

    def post(self, path, data=None, **extra):
        return self.client.post(PREFIX + path, json.dumps(data if data is not None else {}),
                                content_type="application/json", **self.headers, **extra)

    def patch(self, path, data=None, **extra):
        return self.client.patch(PREFIX + path, json.dumps(data if data is not None else {}),
                                 content_type="application/json", **self.headers, **extra)


def token_for(username: str, password: str = PASSWORD) -> str:
    response = ApiClient().post("/auth/token", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api_as(username: str | None) -> ApiClient:
    """`api_as("street1")` signs in through the token endpoint; `api_as(None)` is anonymous."""
    return ApiClient(token_for(username) if username else None)


def field_errors(response) -> dict[str, str]:
    """The 422 body as {field: message}, after checking its shape."""
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    errors = {}
    for err in body["errors"]:
        assert set(err) == {"field", "message"}
        assert isinstance(err["message"], str) and err["message"].strip(), err
        errors[err["field"]] = err["message"]
    return errors


def test_token_exchange_and_bearer_use(district):
    client = api_as("street1")
    assert client.get("/orgs").status_code == 200
    assert ApiToken.objects.filter(user=district.street1_user).count() == 1
    assert AuditEvent.objects.filter(action="account.api_token", actor=district.street1_user).exists()


def test_token_by_mobile_number(district):
    assert api_as("13800001111").get("/me/card").status_code == 200


@pytest.mark.parametrize("username,password", [("street1", "wrong-Password1"), ("ghost", PASSWORD)])
def test_wrong_credentials_answer_401_and_issue_nothing(district, username, password):
    before = snapshot(ApiToken)
    response = ApiClient().post("/auth/token", {"username": username, "password": password})
    assert response.status_code == 401
    assert response.json()["detail"]
    assert "token" not in response.json()
    assert snapshot(ApiToken) == before


def test_token_missing_field_is_422_naming_it(district):
    errors = field_errors(ApiClient().post("/auth/token", {"username": "street1"}))
    assert set(errors) == {"password"}


def test_token_lockout_after_five_failures(district):
    anon = ApiClient()
    for _ in range(5):
        assert anon.post("/auth/token", {"username": "street1", "password": "nope-Nope1"}).status_code == 401
    response = anon.post("/auth/token", {"username": "street1", "password": PASSWORD})
    assert response.status_code == 401
    assert not ApiToken.objects.filter(user=district.street1_user).exists()


def test_invalid_expired_and_inactive_tokens_answer_401(district):
    assert ApiClient("not-a-token").get("/orgs").status_code == 401
    token = token_for("street1")
    ApiToken.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    assert ApiClient(token).get("/orgs").status_code == 401
    token = token_for("street2")
    User.objects.filter(username="street2").update(is_active=False)
    assert ApiClient(token).get("/orgs").status_code == 401


def _operations():
    """Every (method, url) on the API with the path parameters filled in, and whether it needs auth."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                route = re.sub("/+", "/", "/".join(p for p in (prefix, path) if p)).lstrip("/")  # as ninja does
                url = re.sub(r"\{(?:\w+:)?\w+\}", "1", route)
                for method in op.methods:
                    yield method, "/" + url, op.auth_param is not None  # None: declared public


def test_every_authenticated_endpoint_answers_401_anonymously_and_changes_nothing(district):
    models = (Org, ApiToken, AuditEvent)
    before = snapshot(*models)
    anon = ApiClient()
    checked = 0
    for method, url, needs_auth in _operations():
        if not needs_auth:
            continue
        response = anon.client.generic(method, PREFIX + url, "{}", content_type="application/json")
        assert response.status_code == 401, (method, url, response.status_code)
        assert response.json()["detail"]
        checked += 1
    assert checked >= 18
    assert snapshot(*models) == before


def test_session_sign_in_works_for_reads(district):
    client = Client()
    client.force_login(district.street1_user)
    response = client.get(PREFIX + "/orgs")
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_session_writes_need_the_csrf_token(district):
    client = Client(enforce_csrf_checks=True)
    client.force_login(district.street1_user)
    before = snapshot(Org)
    response = client.post(PREFIX + "/orgs", json.dumps({"parent_id": district.street1.pk, "name": "新工会",
                                                         "kind": "grassroots"}), content_type="application/json")
    assert response.status_code in (401, 403)
    assert snapshot(Org) == before
