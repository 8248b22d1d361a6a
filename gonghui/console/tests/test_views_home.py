"""The console shell: scoped counts on the home page, navigation, language switch."""

import pytest
from django.urls import reverse

from .factories import pending_applicant, transfer_request


@pytest.mark.parametrize(("username", "expected"), [
    ("district", {"orgs": 6, "enterprises": 3, "blind_spots": 1, "members": 2, "pending": 2}),
    ("street1_user", {"orgs": 3, "enterprises": 2, "blind_spots": 1, "members": 1, "pending": 2}),
    ("street2_user", {"orgs": 2, "enterprises": 1, "blind_spots": 0, "members": 1, "pending": 0}),
    ("grassroots1", {"orgs": 1, "enterprises": 1, "blind_spots": 0, "members": 1, "pending": 2}),
])
def test_home_counts_are_scoped(client, district, username, expected):
    pending_applicant(district)
    transfer_request(district)  # worker_b stays an active member of union B until approved
    client.force_login(getattr(district, username))
    response = client.get(reverse("console:home"))
    assert response.status_code == 200
    assert response.context["counts"] == expected


def test_shell_has_nav_language_switch_and_sign_out(client, district):
    client.force_login(district.street1_user)
    html = client.get(reverse("console:home")).content.decode()
    for name in ("orgs:tree", "enterprises:list", "members:list", "members:queue", "imports:list", "accounts:logout",
                 "set_language"):
        assert f'href="{reverse(name)}"' in html or f'action="{reverse(name)}"' in html, name
    assert reverse("console:audit") not in html  # a cadre gets no audit link
    assert 'name="language"' in html


def test_language_switch_renders_english(client, district):
    client.force_login(district.street1_user)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("console:home")})
    html = client.get(reverse("console:home")).content.decode()
    assert 'lang="en"' in html and "Overview" in html


def test_auditor_nav_has_only_the_log(client, district):
    client.force_login(district.auditor)
    html = client.get(reverse("console:audit")).content.decode()
    assert reverse("console:audit") in html
    assert reverse("members:list") not in html and reverse("orgs:tree") not in html
