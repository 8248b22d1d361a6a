"""GET /api/v1/me/card: the worker's own card, cheap enough to open at every gate."""


from django.conf import settings
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import ApiToken, User
from gonghui.accounts.tests.test_api_token import ApiClient, api_as, token_for
from gonghui.members.models import Membership, MembershipStatus
from gonghui.members.services import card_verify, membership_leave


def test_card_of_the_signed_in_worker(district):
    response = api_as("worker1").get("/me/card")
    assert response.status_code == 200, response.content
    card = response.json()
    membership = Membership.objects.get(worker=district.worker1, status=MembershipStatus.ACTIVE)
    assert card["card_no"] == membership.card_no
    assert card["union_name"] == "东方机械厂工会"
    assert card["joined_on"] == "2024-03-01"
    assert card["name_masked"] == "李*"
    assert card["status"] == "active" and card["status_label"]
    assert card["verify_url"].startswith("http://testserver/verify/")
    assert card["token"] in card["verify_url"]
    assert card_verify(card["token"], max_age=settings.CARD_TOKEN_MAX_AGE) == membership
    assert "李四" not in response.content.decode()


def test_card_matrix(district):
    assert api_as(None).get("/me/card").status_code == 401
    for username in ("nobody", "street1", "district", "auditor"):
        response = api_as(username).get("/me/card")
        assert response.status_code == 404, username
        assert response.json()["detail"]


def test_card_costs_one_query_and_no_session(district, django_assert_num_queries):
    client = api_as("worker1")
    client.client.cookies.clear()
    with django_assert_num_queries(1):  # the bearer token, its user and the active membership, joined
        response = client.get("/me/card")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_card_refuses_the_tokens_the_rest_of_the_api_refuses(district):
    token = token_for("worker1")
    assert ApiClient(token + "x").get("/me/card").status_code == 401
    ApiToken.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    assert ApiClient(token).get("/me/card").status_code == 401
    token = token_for("worker1")
    User.objects.filter(pk=district.worker1_user.pk).update(is_active=False)
    assert ApiClient(token).get("/me/card").status_code == 401
    assert ApiClient(token).get("/orgs").status_code == 401


def test_card_through_the_session(district):
    client = Client()
    client.force_login(district.worker1_user)
    assert client.get("/api/v1/me/card").json()["name_masked"] == "李*"


def test_card_ends_with_the_membership(district):
    token = token_for("worker1")
    card = ApiClient(token).get("/me/card").json()
    membership = Membership.objects.get(worker=district.worker1, status=MembershipStatus.ACTIVE)
    membership_leave(actor=district.worker1_user, membership=membership, reason="离职")
    assert ApiClient(token).get("/me/card").status_code == 404
    assert card_verify(card["token"], max_age=settings.CARD_TOKEN_MAX_AGE) is None


def test_a_tampered_token_does_not_verify(district):
    card = api_as("worker1").get("/me/card").json()
    assert card_verify(card["token"][:-2] + "xx", max_age=settings.CARD_TOKEN_MAX_AGE) is None
