"""/api/v1/openapi.json and /api/v1/docs: the schema lists every router; the docs page works offline."""

from django.test import Client

EXPECTED_PATHS = {
    "/api/v1/auth/token", "/api/v1/orgs", "/api/v1/orgs/{org_id}", "/api/v1/unions/suggest",
    "/api/v1/enterprises", "/api/v1/enterprises/{enterprise_id}", "/api/v1/members", "/api/v1/members/{worker_id}",
    "/api/v1/members/{worker_id}/reveal", "/api/v1/me/card", "/api/v1/membership-applications",
    "/api/v1/membership-applications/{membership_id}/approve",
    "/api/v1/membership-applications/{membership_id}/reject",
    "/api/v1/membership-applications/{membership_id}/withdraw",
}


def test_openapi_schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert EXPECTED_PATHS <= set(schema["paths"])
    assert {"BearerAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    enterprise = schema["components"]["schemas"]["EnterpriseOut"]["properties"]
    assert {"is_non_public", "has_union"} <= set(enterprise)
    member = schema["components"]["schemas"]["MemberOut"]["properties"]
    assert "id_masked" in member and "mobile_masked" in member and "mobile" not in member


def test_docs_page_serves_swagger_from_local_static_files(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
