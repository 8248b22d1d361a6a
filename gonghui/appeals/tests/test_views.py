"""Console and portal pages through HTTP: who sees what, what each action does, bad input changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.appeals.models import Action, Appeal, AppealEvent, Rating, ReturnVisit, Status, SupervisionOrder
from gonghui.appeals.services import appeal_act, appeal_rate, appeal_reopen, return_visit_record
from gonghui.audit.models import AuditEvent
from gonghui.notifications.models import Notification
from gonghui.testing import snapshot

from .conftest import file_for

ALL = (Appeal, AppealEvent, ReturnVisit, SupervisionOrder)
SECRETS = ("13800001111", "138****1111", "李四", "李*")  # worker1's mobile, masked mobile, name, masked name


def as_user(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def console_pages(appeal):
    return [reverse("appeals:queue"), reverse("appeals:detail", args=[appeal.pk])] + [
        reverse("appeals:queue_named", args=[q]) for q in ("mine", "union", "subtree", "at_risk", "breached")]


def listed(client, queue="subtree") -> set[int]:
    response = client.get(reverse("appeals:queue_named", args=[queue]))
    assert response.status_code == 200
    return {a.pk for a, _s in response.context["rows"]}


def test_anonymous_visitors_are_sent_to_sign_in(district, at):
    appeal = file_for(district)
    for url in console_pages(appeal) + [reverse("appeals:hotline"), reverse("appeals_portal:list"),
                                        reverse("appeals_portal:detail", args=[appeal.pk]),
                                        reverse("notifications:inbox")]:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_worker_without_a_cadre_role_gets_403_in_the_console(district, at):
    appeal = file_for(district)
    for url in console_pages(appeal):
        assert as_user(district.worker1_user).get(url).status_code == 403


def test_street2_sees_none_of_street1s_requests(district, at):
    appeal = file_for(district)
    street2 = as_user(district.street2_user)
    assert listed(street2) == set()
    assert street2.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
    before = snapshot(*ALL)
    response = street2.post(reverse("appeals:act", args=[appeal.pk]), {"action": "accept"})
    assert response.status_code == 404 and snapshot(*ALL) == before
    assert listed(as_user(district.street1_user)) == {appeal.pk}
    assert listed(as_user(district.district)) == {appeal.pk}


def test_do_not_share_is_invisible_to_the_workplace_union(district, at):
    hidden = file_for(district, do_not_share=True)
    shared = file_for(district)
    grassroots = as_user(district.grassroots1)
    assert listed(grassroots) == {shared.pk}
    assert grassroots.get(reverse("appeals:detail", args=[hidden.pk])).status_code == 404
    assert listed(as_user(district.street1_user)) == {hidden.pk, shared.pk}


def test_an_anonymous_reporters_mobile_and_name_never_reach_the_console(district, at):
    district.worker1_user.username = "13800001111"  # workers who register by SMS are named by their mobile
    district.worker1_user.save()
    appeal = file_for(district, anonymous=True)
    district_client = as_user(district.district)
    for url in console_pages(appeal):
        body = district_client.get(url).content.decode()
        for secret in SECRETS[:2]:
            assert secret not in body, (url, secret)
    detail = district_client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "李" not in detail
    # the hotline screen (where the operator typed the number) finds the member but not their anonymous request
    response = district_client.get(reverse("appeals:hotline"), {"mobile": "13800001111"})
    assert [w.pk for w in response.context["workers"]] == [district.worker1.pk]
    assert response.context["earlier"] == [] and appeal.reference not in response.content.decode()


def test_the_queue_filters_and_pages(district, at):
    wage = file_for(district)
    file_for(district, category="social_insurance")
    client = as_user(district.street1_user)
    response = client.get(reverse("appeals:queue"), {"category": "wage_arrears"})
    assert {a.pk for a, _s in response.context["rows"]} == {wage.pk}
    response = client.get(reverse("appeals:queue"), {"category": "aliens"})
    assert response.status_code == 200 and "category" in response.context["form"].errors
    assert client.get(reverse("appeals:queue_named", args=["nonsense"])).status_code == 404
    for _i in range(26):
        file_for(district)
    response = client.get(reverse("appeals:queue"), {"page": 2})
    assert response.context["page_obj"].number == 2 and len(response.context["rows"]) == 3


def test_cadre_actions_through_the_detail_page(district, at):
    appeal = file_for(district)
    client = as_user(district.grassroots1)
    url = reverse("appeals:act", args=[appeal.pk])
    assert client.post(url, {"action": "accept"}).status_code == 302
    before = snapshot(*ALL)
    response = client.post(url, {"action": "answer", "answer": ""})
    assert response.status_code == 400 and "answer" in response.context["act_form"].errors
    response = client.post(url, {"action": "close"})
    assert response.status_code == 400 and "action" in response.context["act_form"].errors
    assert snapshot(*ALL) == before
    assert client.post(url, {"action": "answer", "answer": "已协调补发"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED and appeal.answer == "已协调补发"


def test_transfer_merge_and_supervise_pages(district, at):
    appeal, dup = file_for(district), file_for(district)
    street1 = as_user(district.street1_user)
    before = snapshot(*ALL)
    response = street1.post(reverse("appeals:transfer", args=[appeal.pk]), {"to_org": district.joint1.pk,
                                                                            "reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert snapshot(*ALL) == before
    response = street1.post(reverse("appeals:merge", args=[dup.pk]), {"keep": appeal.pk})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into_id == appeal.pk and dup.status == Status.CLOSED
    # grassroots1 is not above union_a: no supervision; street1 is.
    assert as_user(district.grassroots1).get(reverse("appeals:supervise", args=[appeal.pk])).status_code == 403
    response = street1.post(reverse("appeals:supervise", args=[appeal.pk]), {"instruction": "三日内办结", "days": 3})
    assert response.status_code == 302 and appeal.supervision_orders.count() == 1
    assert listed(street1, "supervised") == {appeal.pk}
    response = street1.post(reverse("appeals:transfer", args=[appeal.pk]), {"to_org": district.union_b.pk,
                                                                            "reason": "属西街企业"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.org == district.union_b
    assert listed(as_user(district.street2_user)) == {appeal.pk}


def test_the_hotline_finds_the_caller_and_files_in_one_form(district, at):
    earlier = file_for(district)
    client = as_user(district.street1_user)
    response = client.get(reverse("appeals:hotline"), {"mobile": "13800001111"})
    assert response.status_code == 200
    assert [w.pk for w in response.context["workers"]] == [district.worker1.pk]
    assert [a.pk for a in response.context["earlier"]] == [earlier.pk]
    before = snapshot(*ALL)
    response = client.post(reverse("appeals:hotline"), {"mobile": "13800001111", "appeal_type": "complaint",
                                                        "category": "aliens", "difficulty": "general",
                                                        "description": "投诉"})
    assert response.status_code == 400 and "category" in response.context["form"].errors
    assert snapshot(*ALL) == before
    response = client.post(reverse("appeals:hotline"), {"mobile": "13800001111", "appeal_type": "complaint",
                                                        "category": "working_hours", "difficulty": "urgent",
                                                        "description": "连续加班"})
    assert response.status_code == 302
    new = Appeal.objects.latest("pk")
    assert new.channel == "hotline" and new.worker == district.worker1 and new.org == district.union_a
    assert new.user == district.worker1_user and new.created_by == district.street1_user


@pytest.mark.parametrize(("field", "changes"), [
    ("description", {"description": ""}),
    ("category", {"category": "aliens"}),
    ("appeal_type", {"appeal_type": "gossip"}),
])
def test_portal_bad_input_names_the_field_and_changes_nothing(district, at, field, changes):
    data = {"appeal_type": "consultation", "category": "wage_arrears", "description": "工资拖欠"}
    data.update(changes)
    before = snapshot(*ALL)
    response = as_user(district.worker1_user).post(reverse("appeals_portal:new"), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert snapshot(*ALL) == before


def test_the_worker_files_follows_rates_and_reopens(district, at):
    worker = as_user(district.worker1_user)
    assert worker.get(reverse("portal:home")).content.decode().count(reverse("appeals_portal:list")) == 1
    response = worker.post(reverse("appeals_portal:new"), {"appeal_type": "help", "category": "wage_arrears",
                                                          "description": "工资拖欠两个月", "do_not_share": "on"})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.org == district.street1 and appeal.do_not_share
    assert [a.pk for a in worker.get(reverse("appeals_portal:list")).context["page_obj"]] == [appeal.pk]
    assert as_user(district.nobody).get(reverse("appeals_portal:detail", args=[appeal.pk])).status_code == 404
    for action in (Action.ACCEPT, Action.ANSWER):
        appeal = appeal_act(actor=district.street1_user, appeal=appeal, action=action, answer="请提供工资条")
    page = worker.get(reverse("appeals_portal:detail", args=[appeal.pk])).content.decode()
    assert "请提供工资条" in page
    before = snapshot(*ALL)
    response = worker.post(reverse("appeals_portal:rate", args=[appeal.pk]), {"rating": "great"})
    assert response.status_code == 400 and "rating" in response.context["rate_form"].errors
    assert as_user(district.nobody).post(reverse("appeals_portal:rate", args=[appeal.pk]),
                                         {"rating": "satisfied"}).status_code == 404
    assert snapshot(*ALL) == before
    worker.post(reverse("appeals_portal:rate", args=[appeal.pk]), {"rating": Rating.DISSATISFIED})
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED and appeal.return_visits.count() == 1
    assert worker.post(reverse("appeals_portal:reopen", args=[appeal.pk]), {"note": "没解决"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS and appeal.reopen_count == 1


def test_the_inbox_counts_and_marks_read(district, at, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file_for(district)
        appeal_act(actor=district.grassroots1, appeal=appeal, action=Action.ACCEPT)
    worker = as_user(district.worker1_user)
    assert worker.get(reverse("notifications:inbox")).context["unread"] == 1
    note = district.worker1_user.notifications.get()
    assert as_user(district.nobody).post(reverse("notifications:read", args=[note.pk])).status_code == 302
    note.refresh_from_db()
    assert note.read_at is None  # someone else's click marks nothing
    worker.post(reverse("notifications:read", args=[note.pk]))
    assert worker.get(reverse("notifications:inbox")).context["unread"] == 0
    # the cadres of union_a were told about the new request
    assert district.grassroots1.notifications.count() == 1


def test_the_action_forms_render(district, at):
    appeal = file_for(district)
    street1 = as_user(district.street1_user)
    for name in ("transfer", "merge", "supervise"):
        assert street1.get(reverse(f"appeals:{name}", args=[appeal.pk])).status_code == 200, name
    for name in ("transfer", "merge"):
        assert as_user(district.street2_user).get(reverse(f"appeals:{name}", args=[appeal.pk])).status_code == 404
    assert street1.get(reverse("appeals:hotline")).status_code == 200
    assert as_user(district.worker1_user).get(reverse("appeals_portal:new")).status_code == 200


def test_the_queue_costs_the_same_queries_for_more_rows(district, at):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(district.street1_user)
    file_for(district)
    client.get(reverse("appeals:queue"))  # warm the session and the user's grants
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("appeals:queue"))
    for _i in range(15):
        file_for(district, anonymous=True)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("appeals:queue"))
    assert len(response.context["rows"]) == 16
    assert len(many) == len(few) <= 12


def test_the_return_visit_is_recorded_from_the_detail_page(district, at):
    appeal = file_for(district)
    for action in (Action.ACCEPT, Action.ANSWER):
        appeal = appeal_act(actor=district.grassroots1, appeal=appeal, action=action, answer="答复")
    as_user(district.worker1_user).post(reverse("appeals_portal:rate", args=[appeal.pk]), {"rating": "dissatisfied"})
    visit = ReturnVisit.objects.get()
    url = reverse("appeals:return_visit", args=[appeal.pk, visit.pk])
    before = snapshot(*ALL)
    assert as_user(district.street2_user).post(url, {"outcome": "已回访"}).status_code == 404
    as_user(district.grassroots1).post(url, {"outcome": ""})
    assert snapshot(*ALL) == before
    assert as_user(district.grassroots1).post(url, {"outcome": "职工同意再等一周"}).status_code == 302
    visit.refresh_from_db()
    assert visit.outcome == "职工同意再等一周" and visit.done_by == district.grassroots1


def test_a_cadres_own_request_elsewhere_is_not_in_their_console_queue(district, at):
    # street2's cadre is also a member of union A (street1) and files a request there as a worker.
    from gonghui.appeals.selectors import appeal_list
    from gonghui.appeals.tests.conftest import file_for
    from gonghui.testing import make_worker

    make_worker(name="王二", org=district.union_a, user=district.street2_user, mobile="13600002222")
    own = file_for(district, actor=district.street2_user, user=district.street2_user)
    assert own.org == district.union_a
    assert own.pk not in set(appeal_list(user=district.street2_user).values_list("pk", flat=True))


def test_a_union_without_cadres_has_its_street_told_of_a_new_request(district, at):
    from gonghui.appeals.services import org_cadres

    assert district.joint1.pk not in [g.org_id for g in district.street1_user.grants.all()]
    assert list(org_cadres(district.joint1)) == [district.street1_user]
    assert district.grassroots1 in list(org_cadres(district.union_a))


def test_refused_console_and_portal_posts_change_nothing(district, at):
    appeal, other = file_for(district), file_for(district)
    everything = (*ALL, AuditEvent, Notification)
    before = snapshot(*everything)
    act = reverse("appeals:act", args=[appeal.pk])
    for user, status in ((None, 302), (district.worker1_user, 403), (district.street2_user, 404)):
        assert as_user(user).post(act, {"action": "accept"}).status_code == status
    street2 = as_user(district.street2_user)
    assert street2.post(reverse("appeals:transfer", args=[appeal.pk]), {
        "to_org": district.union_b.pk, "reason": "属西街"}).status_code == 404
    assert street2.post(reverse("appeals:merge", args=[other.pk]), {"keep": appeal.pk}).status_code == 404
    assert as_user(district.grassroots1).post(reverse("appeals:supervise", args=[appeal.pk]), {
        "instruction": "三日内办结", "days": 3}).status_code == 403
    street1 = as_user(district.street1_user)
    for keep in (appeal.pk, 999999):  # itself, and a number that is not there
        response = street1.post(reverse("appeals:merge", args=[appeal.pk]), {"keep": keep})
        assert response.status_code == 400 and "keep" in response.context["form"].errors
    nobody = as_user(district.nobody)
    assert nobody.post(reverse("appeals_portal:rate", args=[appeal.pk]), {"rating": "satisfied"}).status_code == 404
    assert nobody.post(reverse("appeals_portal:reopen", args=[appeal.pk]), {"note": "没解决"}).status_code == 404
    assert snapshot(*everything) == before


def test_the_detail_page_costs_the_same_queries_for_more_return_visits(district, at):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    appeal = file_for(district)
    appeal = appeal_act(actor=district.grassroots1, appeal=appeal, action=Action.ACCEPT)
    client, url = as_user(district.grassroots1), reverse("appeals:detail", args=[appeal.pk])
    counts = []
    for round_ in range(2):
        if round_:
            appeal = appeal_reopen(user=district.worker1_user, appeal=appeal, note="没解决")
        appeal = appeal_act(actor=district.grassroots1, appeal=appeal, action=Action.ANSWER, answer="答复")
        appeal = appeal_rate(user=district.worker1_user, appeal=appeal, rating=Rating.DISSATISFIED)
        return_visit_record(actor=district.grassroots1, visit=appeal.return_visits.latest("pk"), outcome="已回访")
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert ReturnVisit.objects.filter(done_at__isnull=False).count() == 2
    assert counts[0] == counts[1]
