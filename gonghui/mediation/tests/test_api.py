"""/api/v1/mediation: the list and detail follow the same scope as the pages."""

from gonghui.accounts.tests.test_api_token import api_as


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_list_and_detail_matrix(med):
    assert api_as(None).get("/mediation/cases").status_code == 401
    assert api_as(None).get(f"/mediation/cases/{med.case1.pk}").status_code == 401
    assert ids(api_as("nobody").get("/mediation/cases")) == []
    assert ids(api_as("worker1").get("/mediation/cases")) == []
    assert ids(api_as("med1").get("/mediation/cases")) == [med.case1.pk]
    assert sorted(ids(api_as("street1").get("/mediation/cases"))) == sorted([med.case1.pk, med.case2.pk])
    assert ids(api_as("street2").get("/mediation/cases")) == [med.case3.pk]
    assert len(ids(api_as("district").get("/mediation/cases"))) == 3
    med1 = api_as("med1")
    assert med1.get(f"/mediation/cases/{med.case2.pk}").status_code == 404
    assert api_as("street2").get(f"/mediation/cases/{med.case1.pk}").status_code == 404
    body = med1.get(f"/mediation/cases/{med.case1.pk}").json()
    assert body["worker_name"] == "李四" and body["status"] == "opened" and body["sessions"] == []
