"""The cockpit's service figures: requests, hardship files and aid paid, over the drilled subtree or the
user's top orgs, counted by the service apps' own definitions and opening the lists they count."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import RoleGrant
from gonghui.accounts.roles import Role
from gonghui.appeals.reports import appeal_report
from gonghui.appeals.tests.conftest import at  # noqa: F401 - the appeals clock fixture
from gonghui.appeals.tests.test_reports import AS_OF, known  # noqa: F401 - November's hand-counted requests
from gonghui.campaigns.services import application_approve, payment_make
from gonghui.campaigns.tests.conftest import aid, apply  # noqa: F401 - a district student-aid campaign
from gonghui.cockpit.service_figures import service_figures
from gonghui.hardship.models import HardshipFile
from gonghui.hardship.tests.conftest import files  # noqa: F401 - worker1's and worker_b's filed households
from gonghui.needs import services as needs
from gonghui.testing import make_user

YEAR_END = dt.date(2025, 11, 30)


def test_request_figures_add_up_over_the_users_top_orgs(known, at):  # noqa: F811
    at.now = AS_OF
    # A cadre of both streets has two top orgs; their figures add up to the district's, rates included.
    both = make_user("both_streets", role=Role.STREET_CADRE, org=known.street1)
    RoleGrant.objects.create(user=both, role=Role.STREET_CADRE, org=known.street2)
    both = type(both).objects.get(pk=both.pk)
    figures = service_figures(user=both, orgs=[known.street1, known.street2], today=YEAR_END)
    whole = appeal_report(user=known.district, org_id=known.root.pk, start=dt.date(2025, 1, 1), end=YEAR_END)
    assert figures.requests == whole["total"] == 6  # November's five and F, filed on 31 October
    assert (figures.answered_on_time, figures.answer_counted) == (whole["answered_on_time"], whole["answer_counted"])
    assert figures.on_time_answer == whole["on_time_answer"]
    assert (figures.satisfied, figures.rated) == (2, 3) and figures.satisfaction == Decimal("66.7")
    street1 = service_figures(user=known.street1_user, orgs=[known.street1], today=YEAR_END)
    assert street1.requests == 5  # E is street2's


def test_the_requests_cost_one_query_per_subtree(known, at):  # noqa: F811
    # Not the whole report (its breakdowns and gate): the cockpit needs only the counts behind the rates.
    at.now = AS_OF
    with CaptureQueriesContext(connection) as ctx:
        service_figures(user=known.district, orgs=[known.street1, known.street2], today=YEAR_END)
    on_requests = [q["sql"] for q in ctx.captured_queries if "appeals_appeal" in q["sql"]]
    assert len(on_requests) == 2, on_requests


def test_hardship_and_aid_figures(files, aid):  # noqa: F811
    d = files
    application = apply(d.worker1_user, d.campaign)
    application_approve(actor=d.grassroots1, application=application)
    payment_make(actor=d.grassroots1, application=application, idempotency_key="pay-cockpit-1")
    HardshipFile.objects.filter(pk=d.file2.pk).update(last_reviewed_on=timezone.localdate() - dt.timedelta(days=400))
    whole = service_figures(user=d.district, orgs=[d.root])
    assert (whole.hardship_files, whole.hardship_overdue) == (2, 1)
    assert (whole.aid_grants_paid, whole.aid_amount_paid) == (1, Decimal("1000"))
    street2 = service_figures(user=d.street2_user, orgs=[d.street2])
    assert (street2.hardship_files, street2.hardship_overdue, street2.aid_grants_paid) == (1, 1, 0)
    last_year = service_figures(user=d.district, orgs=[d.root], today=timezone.localdate().replace(month=1, day=1)
                                - dt.timedelta(days=1))
    assert last_year.aid_grants_paid == 0  # paid this year, not last


def test_the_page_and_api_show_them_and_link_the_lists(client, files):  # noqa: F811
    d = files
    client.force_login(d.street1_user)
    response = client.get(reverse("cockpit:cockpit"), {"org": d.street1.pk})
    services = response.context["services"]
    assert (services.hardship_files, services.requests) == (1, 0)
    page = response.content.decode()
    listed = f'{reverse("hardship:list")}?status=filed&amp;org={d.street1.pk}'
    assert f'data-figure="hardship_files" href="{listed}"' in page
    # The link opens exactly the files counted: street1's one filed household.
    opened = client.get(reverse("hardship:list"), {"status": "filed", "org": d.street1.pk})
    assert [f.pk for f in opened.context["page_obj"]] == [d.file1.pk]
    # Another street's subtree is refused like a missing one.
    assert client.get(reverse("hardship:list"), {"org": d.street2.pk}).status_code == 404
    api = client.get("/api/v1/cockpit", {"org_id": d.street1.pk})
    assert api.status_code == 200 and api.json()["services"]["hardship_files"] == 1


def test_needs_answered_share_counts_this_years_needs_by_subtree(client, district):
    d = district

    def need(org, title):
        return needs.need_create(actor=d.district, org=org, title=title, source="visit", category="rest", headcount=5)

    answered, _open, declined = need(d.joint1, "歇脚点"), need(d.union_a, "午餐"), need(d.union_a, "停车")
    other_street = need(d.union_b, "饮水")
    project = needs.project_create(actor=d.district, org=d.street1, title="驿站")
    needs.need_take_up(actor=d.district, need=answered, project=project)
    needs.project_complete(actor=d.district, project=project, beneficiaries=5)
    needs.need_decline(actor=d.district, need=declined, reason="已由企业解决")
    type(other_street).objects.filter(pk=other_street.pk).update(  # recorded last year: not this year's
        created_at=timezone.now().replace(year=timezone.localdate().year - 1))
    today = timezone.localdate()
    street1 = service_figures(user=d.street1_user, orgs=[d.street1], today=today)
    assert (street1.needs, street1.needs_answered, street1.needs_answered_share) == (3, 1, Decimal("33.3"))
    whole = service_figures(user=d.district, orgs=[d.root], today=today)
    assert (whole.needs, whole.needs_answered) == (3, 1)
    assert service_figures(user=d.street2_user, orgs=[d.street2], today=today).needs_answered_share is None

    client.force_login(d.street1_user)
    page = client.get(reverse("cockpit:cockpit"), {"org": d.street1.pk}).content.decode()
    link = (f'{reverse("needs:report")}?created_from={today.replace(month=1, day=1):%Y-%m-%d}'
            f'&amp;created_to={today:%Y-%m-%d}&amp;org={d.street1.pk}')
    assert f'<a href="{link}" class="figure" data-figure="needs_answered">' in page and "33.3%" in page
    # The report opened by the link counts the same needs.
    report = client.get(link.replace("&amp;", "&")).context["report"]
    assert (report.total.total, report.total.answered) == (3, 1)
    # A workplace union's page shows the figure without a link: the report does not drill that deep.
    page = client.get(reverse("cockpit:cockpit"), {"org": d.union_a.pk}).content.decode()
    assert '<div class="figure" data-figure="needs_answered">' in page
    api = client.get("/api/v1/cockpit", {"org": d.street1.pk}).json()["services"]
    assert (api["needs"], Decimal(str(api["needs_answered_share"]))) == (3, Decimal("33.3"))
