"""Console, portal and API through HTTP: the permission matrix (404 outside the subtree), the builder, results
and export, the need button, the portal flow end to end, and the API's error format."""

import datetime as dt
import io

import openpyxl
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.services import api_token_issue
from gonghui.audit.models import AuditEvent
from gonghui.needs.models import Need
from gonghui.surveys import selectors, services
from gonghui.surveys.models import Answer, Option, Question, Questionnaire, Response, Status
from gonghui.testing import snapshot

from .conftest import en_client, good_answers, published, rider

ROWS = (Response, Answer)
BUILDER = (Questionnaire, Question, Option)


def _pages(q):
    question = q.questions.get(position=3)
    option = q.questions.get(position=1).options.first()
    rating = q.questions.get(position=4)
    return [
        reverse("surveys:detail", args=[q.pk]),
        reverse("surveys:results", args=[q.pk]),
        reverse("surveys:export", args=[q.pk]),
        reverse("surveys:texts", args=[q.pk, question.pk]),
        reverse("surveys:need_option", args=[q.pk, option.pk]),
        reverse("surveys:need_rating", args=[q.pk, rating.pk, 2]),
        reverse("surveys:edit", args=[q.pk]),
    ]


def test_console_permission_matrix(survey):
    q = survey.survey
    services.response_submit(worker=survey.rider1, questionnaire=q, answers=good_answers(q))
    pages = _pages(q)
    for url in pages:
        assert Client().get(url).status_code == 302
        assert en_client(survey.worker1_user).get(url).status_code == 403
        assert en_client(survey.street2_user).get(url).status_code == 404, url
    for url in pages:
        assert en_client(survey.street1_user).get(url).status_code == 200, url
        assert en_client(survey.district).get(url).status_code == 200, url
    assert en_client(survey.street2_user).get(reverse("surveys:list")).content.decode().count(q.title) == 0
    assert q.title in en_client(survey.street1_user).get(reverse("surveys:list")).content.decode()
    missing = reverse("surveys:results", args=[q.pk + 1000])
    assert en_client(survey.street1_user).get(missing).status_code == 404


def _form_time(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_builder_through_the_console(district):
    client = en_client(district.street1_user)
    now = timezone.now()
    response = client.post(reverse("surveys:create"), {
        "org": district.street1.pk, "title": "快递员需求调查", "target_org": district.joint1.pk,
        "worker_groups": ["courier"], "anonymous": "on", "opens_at": _form_time(now),
        "closes_at": _form_time(now - dt.timedelta(days=1))})
    assert response.status_code == 200 and "The closing time must be after the opening time." in (
        response.content.decode())
    assert Questionnaire.objects.count() == 0
    response = client.post(reverse("surveys:create"), {
        "org": district.street1.pk, "title": "快递员需求调查", "target_org": district.joint1.pk,
        "worker_groups": ["courier"], "anonymous": "on", "opens_at": _form_time(now),
        "closes_at": _form_time(now + dt.timedelta(days=10))})
    q = Questionnaire.objects.get()
    assert response.status_code == 302 and (q.target_org, q.worker_groups, q.anonymous) == (
        district.joint1, ["courier"], True)
    before = snapshot(*BUILDER)
    response = client.post(reverse("surveys:publish", args=[q.pk]), follow=True)
    assert "Add at least one question before publishing." in response.content.decode()
    assert snapshot(*BUILDER) == before
    response = client.post(reverse("surveys:question_add", args=[q.pk]), {
        "kind": "rating", "text": "满意度", "scale": "12"})
    assert response.status_code == 200 and "The rating scale must be a whole number from 3 to 10." in (
        response.content.decode())
    assert snapshot(*BUILDER) == before
    client.post(reverse("surveys:question_add", args=[q.pk]), {
        "kind": "single", "text": "您有没有签劳动合同？", "required": "on", "options": "有\n没有\n不清楚"})
    client.post(reverse("surveys:question_add", args=[q.pk]), {"kind": "rating", "text": "满意度", "scale": "7"})
    assert [(x.kind, x.scale, x.options.count()) for x in q.questions.all()] == [("single", 5, 3), ("rating", 7, 0)]
    response = client.post(reverse("surveys:publish", args=[q.pk]), follow=True)
    q.refresh_from_db()
    assert q.status == Status.PUBLISHED
    before = snapshot(*BUILDER)
    first = q.questions.first()
    response = client.post(reverse("surveys:question_edit", args=[q.pk, first.pk]), {
        "kind": "text", "text": "改"})
    assert "can no longer be changed" in response.content.decode()
    response = client.post(reverse("surveys:question_remove", args=[q.pk, first.pk]), follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert snapshot(*BUILDER) == before
    response = client.post(reverse("surveys:duplicate", args=[q.pk]))
    copy = Questionnaire.objects.exclude(pk=q.pk).get()
    assert response.status_code == 302 and copy.status == Status.DRAFT and copy.questions.count() == 2
    client.post(reverse("surveys:close", args=[q.pk]))
    q.refresh_from_db()
    assert q.status == Status.CLOSED


def test_results_page_and_text_answers_anonymous_and_named(district):
    for anonymous in (True, False):
        q = published(district, anonymous=anonymous)
        worker = rider(district, "钱多多")
        services.response_submit(worker=worker, questionnaire=q, answers=good_answers(q, text="请多建驿站"))
        client = en_client(district.street1_user)
        page = client.get(reverse("surveys:results", args=[q.pk])).content.decode()
        eligible = selectors.eligible_count(q)  # worker1 and the riders made so far
        assert f"1 of {eligible} workers asked" in page
        assert "钱多多" not in page and "钱*多" not in page
        texts = client.get(reverse("surveys:texts", args=[q.pk, q.questions.get(position=3).pk])).content.decode()
        assert "请多建驿站" in texts and "钱多多" not in texts
        assert ("钱*多" in texts) is (not anonymous)


def test_export_over_http(survey):
    q = survey.survey
    services.response_submit(worker=survey.rider1, questionnaire=q, answers=good_answers(q))
    response = en_client(survey.street1_user).get(reverse("surveys:export", args=[q.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "8小时以内"
    before = snapshot(AuditEvent)
    assert en_client(survey.street2_user).get(reverse("surveys:export", args=[q.pk])).status_code == 404
    assert snapshot(AuditEvent) == before


def test_need_button_once(survey):
    q = survey.survey
    services.response_submit(worker=survey.rider1, questionnaire=q, answers=good_answers(q, multiple=(0, 1)))
    option = q.questions.get(position=2).options.get(position=2)  # 法律援助
    client = en_client(survey.street1_user)
    url = reverse("surveys:need_option", args=[q.pk, option.pk])
    page = client.get(url).content.decode()
    assert "您最需要哪些服务？：法律援助" in page and 'id="headcount">1<' in page
    results = client.get(reverse("surveys:results", args=[q.pk])).content.decode()
    assert url in results and "Recorded as a need" not in results
    before = snapshot(Need)
    response = client.post(url, {"title": "", "category": "", "urgency": "normal"})
    assert response.status_code == 200 and snapshot(Need) == before
    response = client.post(url, {"title": "法律援助需求", "category": "rights", "urgency": "high"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.headcount, need.category, need.source_ref) == (1, "rights", f"questionnaire:{q.pk}:option:{option.pk}")
    before = snapshot(Need)
    response = client.post(url, {"title": "法律援助需求", "category": "rights", "urgency": "high"}, follow=True)
    assert "This answer is already on the needs list." in response.content.decode()
    assert snapshot(Need) == before
    results = client.get(reverse("surveys:results", args=[q.pk])).content.decode()
    assert "Recorded as a need" in results
    assert 'id="recorded"' in client.get(url).content.decode()
    assert en_client(survey.street2_user).post(url, {"title": "x", "category": "rights"}).status_code == 404
    assert snapshot(Need) == before


# --- the portal -------------------------------------------------------------------------------------------

def test_portal_flow_end_to_end(survey):
    q = survey.survey
    client = en_client(survey.rider1.user)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("surveys_portal:mine") in home
    mine = client.get(reverse("surveys_portal:mine")).content.decode()
    assert q.title in mine and reverse("surveys_portal:answer", args=[q.pk]) in mine
    url = reverse("surveys_portal:answer", args=[q.pk])
    form = client.get(url).content.decode()
    assert "Your name is not kept with your answers." in form and 'type="number"' in form
    q1, q2, q3, q4, q5 = q.questions.order_by("position")
    options2 = list(q2.options.all())
    bad = {f"q{q2.pk}": [options2[0].pk, options2[1].pk, options2[2].pk], f"q{q4.pk}": "9", f"q{q5.pk}": "abc"}
    response = client.post(url, bad)
    page = response.content.decode()
    assert response.status_code == 200
    for message in ("Question 1: this question must be answered.", "Question 2: choose at most 2 options.",
                    "Question 4: the rating must be from 1 to 5.", "Question 5: please enter a number."):
        assert message in page
    assert Response.objects.count() == 0
    good = {f"q{q1.pk}": q1.options.first().pk, f"q{q2.pk}": [options2[0].pk, options2[3].pk],
            f"q{q3.pk}": "希望驿站有充电桩", f"q{q4.pk}": "3", f"q{q5.pk}": "7.5"}
    response = client.post(url, good, follow=True)
    assert "Thank you: your answers were recorded." in response.content.decode()
    assert Response.objects.get().worker is None
    assert sorted(Answer.objects.values_list("option__label", flat=True).exclude(option=None)) == sorted(
        ["8小时以内", "歇脚驿站", "技能培训"])
    before = snapshot(*ROWS)
    response = client.post(url, good, follow=True)  # a double click, or the second tab
    assert "You have already answered this questionnaire." in response.content.decode()
    assert snapshot(*ROWS) == before
    assert "Filled in" in client.get(reverse("surveys_portal:mine")).content.decode()
    assert 'id="answered"' in client.get(url).content.decode()


def test_portal_outsider_and_closed(survey):
    q = survey.survey
    outsider = rider(survey, "吴外人", org=survey.union_b)
    client = en_client(outsider.user)
    url = reverse("surveys_portal:answer", args=[q.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert q.title not in client.get(reverse("surveys_portal:mine")).content.decode()
    assert en_client(survey.nobody).get(url).status_code == 404  # an account without a worker record
    services.questionnaire_close(actor=survey.street1_user, questionnaire=q)
    client = en_client(survey.rider1.user)
    page = client.get(url).content.decode()
    assert "This questionnaire is closed: answers are no longer accepted." in page
    assert "Submit my answers" not in page
    response = client.post(url, {f"q{q.questions.first().pk}": q.questions.first().options.first().pk})
    assert "This questionnaire is closed: answers are no longer accepted." in response.content.decode()
    assert Response.objects.count() == 0


# --- the API ---------------------------------------------------------------------------------------------

def test_api_worker_side(survey):
    q = survey.survey
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=survey.rider1.user)}",
               "HTTP_ACCEPT_LANGUAGE": "en"}
    client = Client()
    listed = client.get("/api/v1/surveys/mine", **headers).json()
    assert [(x["id"], x["answered"], x["anonymous"]) for x in listed] == [(q.pk, False, True)]
    detail = client.get(f"/api/v1/surveys/mine/{q.pk}", **headers).json()
    assert detail["may_answer"] is True and [x["kind"] for x in detail["questions"]] == [
        "single", "multiple", "text", "rating", "number"]
    assert detail["questions"][3]["scale"] == 5 and len(detail["questions"][0]["options"]) == 3
    url = f"/api/v1/surveys/mine/{q.pk}/responses"
    q4 = detail["questions"][3]["id"]
    answers = {str(k): v for k, v in good_answers(q).items()}
    response = client.post(url, {"answers": answers | {str(q4): 8}}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": f"q{q4}", "message": "Question 4: the rating must be from 1 to 5."}]
    assert Response.objects.count() == 0
    response = client.post(url, {"answers": answers}, content_type="application/json", **headers)
    assert response.status_code == 201 and response.json()["received"] is True
    before = snapshot(*ROWS)
    response = client.post(url, {"answers": answers}, content_type="application/json", **headers)
    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "questionnaire",
                                          "message": "You have already answered this questionnaire."}]
    assert snapshot(*ROWS) == before
    outsider = rider(survey, "吴外人", org=survey.union_b)
    other = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=outsider.user)}"}
    assert client.get(f"/api/v1/surveys/mine/{q.pk}", **other).status_code == 404
    assert client.post(url, {"answers": answers}, content_type="application/json", **other).status_code == 404
    assert snapshot(*ROWS) == before


def test_api_cadre_side(survey):
    q = survey.survey
    services.response_submit(worker=survey.rider1, questionnaire=q, answers=good_answers(q))
    client = en_client(survey.street1_user)
    assert [x["id"] for x in client.get("/api/v1/surveys/").json()] == [q.pk]
    results = client.get(f"/api/v1/surveys/{q.pk}/results").json()
    assert (results["responses"], results["eligible"]) == (1, 2)
    assert results["questions"][0]["options"][0] == {"id": q.questions.first().options.first().pk,
                                                     "label": "8小时以内", "count": 1, "percent": "100.0",
                                                     "need_recorded": False}
    assert results["questions"][4]["stats"]["count"] == 1
    other = en_client(survey.street2_user)
    assert other.get("/api/v1/surveys/").json() == []
    assert other.get(f"/api/v1/surveys/{q.pk}/results").status_code == 404


def test_api_bad_status_filter_and_anonymous_caller(survey):
    response = en_client(survey.street1_user).get("/api/v1/surveys/", {"status": "finished"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"
    assert Client().get("/api/v1/surveys/mine").status_code == 401


def test_console_writes_outside_the_subtree_are_404_and_change_nothing(district):
    from .conftest import add_all_kinds, draft

    q = draft(district)
    first = add_all_kinds(district, q)[0]
    posts = [
        (reverse("surveys:publish", args=[q.pk]), {}),
        (reverse("surveys:close", args=[q.pk]), {}),
        (reverse("surveys:duplicate", args=[q.pk]), {}),
        (reverse("surveys:edit", args=[q.pk]), {"title": "改"}),
        (reverse("surveys:question_add", args=[q.pk]), {"kind": "text", "text": "新题"}),
        (reverse("surveys:question_edit", args=[q.pk, first.pk]), {"kind": "text", "text": "改"}),
        (reverse("surveys:question_remove", args=[q.pk, first.pk]), {}),
        (reverse("surveys:question_move", args=[q.pk, first.pk]), {"direction": "down"}),
    ]
    before = snapshot(*BUILDER)
    for url, data in posts:
        assert en_client(district.street2_user).post(url, data).status_code == 404, url
        assert en_client(district.grassroots1).post(url, data).status_code == 404, url  # under street1, not above
        assert en_client(district.worker1_user).post(url, data).status_code == 403, url
        assert Client().post(url, data).status_code == 302, url
    assert snapshot(*BUILDER) == before


def test_list_pages_query_budget(survey, django_assert_max_num_queries):
    for _ in range(5):
        published(survey, title="又一份问卷")
    client = en_client(survey.street1_user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:list")).content.decode()
    assert page.count("又一份问卷") == 5
    worker_client = en_client(survey.rider1.user)
    with django_assert_max_num_queries(12):
        page = worker_client.get(reverse("surveys_portal:mine")).content.decode()
    assert page.count("又一份问卷") == 5


def test_the_portal_tile_counts_the_questionnaires_waiting_for_me(survey):
    worker = survey.rider1
    client = en_client(worker.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert '<span class="badge warn" id="surveys-waiting">1 waiting for your answer</span>' in page
    services.response_submit(worker=worker, questionnaire=survey.survey, answers=good_answers(survey.survey))
    page = client.get(reverse("portal:home")).content.decode()
    assert 'id="surveys-waiting"' not in page and "Tell the union what you need" in page
    # Someone the questionnaire is not addressed to is not told about it.
    other = en_client(survey.worker1_user)  # union_a is under street1 too: addressed, not yet answered
    assert 'id="surveys-waiting"' in other.get(reverse("portal:home")).content.decode()
    assert 'id="surveys-waiting"' not in en_client(survey.nobody).get(reverse("portal:home")).content.decode()
