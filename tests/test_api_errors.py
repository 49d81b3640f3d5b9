"""The API's edges: health, OpenAPI, authentication and the one JSON error shape."""

import pytest
from django.test import Client

from kesu.complaints.models import Complaint
from tests.factories import snapshot


def assert_error_shape(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert set(body["error"]) <= {"code", "message", "fields"}
    return body["error"]


def test_health_needs_no_token(db):
    r = Client().get("/api/v1/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


def test_openapi_lists_the_complaint_paths(db):
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in [
        "/api/v1/complaints",
        "/api/v1/complaints/{number}",
        "/api/v1/complaints/{number}/events",
        "/api/v1/complaints/{number}/actions/{action}",
        "/api/v1/complaints/{number}/contact/reveal",
        "/api/v1/complaints/{number}/attachments",
        "/api/v1/health",
    ]:
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/complaints"])
    assert "bearer" in str(r.json()["components"]["securitySchemes"]).lower()


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer nope", "Basic YWdlbnQ6c2VjcmV0", "Token ks_abc", "Bearer " + "x" * 500],
)
def test_no_token_or_a_bad_one_is_401(complaint, authorization):
    before = snapshot(complaint.number)
    headers = {"Authorization": authorization} if authorization is not None else {}
    for method, path in [
        ("get", "/api/v1/complaints"),
        ("post", "/api/v1/complaints"),
        ("get", "/api/v1/complaints/{number}"),
        ("get", "/api/v1/complaints/{number}/events"),
        ("post", "/api/v1/complaints/{number}/actions/acknowledge"),
        ("post", "/api/v1/complaints/{number}/contact/reveal"),
        ("get", "/api/v1/complaints/{number}/attachments"),
        ("get", "/api/v1/types"),
    ]:
        url = path.format(number=complaint.number)
        if method == "get":
            r = Client().get(url, headers=headers)
        else:
            r = Client().post(url, {"title": "x"}, content_type="application/json", headers=headers)
        assert_error_shape(r, 401, "unauthenticated")
    assert snapshot(complaint.number) == before
    assert Complaint.objects.count() == 1


def test_a_missing_complaint_is_404(api):
    for r in [
        api("agent").get("/complaints/KS-20000101-00001"),
        api("agent").get("/complaints/KS-20000101-00001/events"),
        api("agent").act("KS-20000101-00001", "acknowledge"),
    ]:
        assert_error_shape(r, 404, "not_found")


def test_unknown_action_is_404_and_changes_nothing(api, complaint):
    before = snapshot(complaint.number)
    assert_error_shape(api("agent").act(complaint.number, "delete"), 404, "not_found")
    assert snapshot(complaint.number) == before


def test_validation_errors_name_their_fields(api):
    error = assert_error_shape(api("agent").post("/complaints", {"channel": "fax"}), 400, "validation_error")
    assert {"channel", "customer"} <= set(error["fields"])
    assert all(isinstance(m, list) and m and all(isinstance(x, str) for x in m) for m in error["fields"].values())


def test_malformed_json_is_400(api, complaint):
    client = api("agent")
    r = client.client.post("/api/v1/complaints", "{not json", content_type="application/json", headers=client.headers)
    assert r.status_code == 400
    assert r.json()["error"]["code"] in ("validation_error", "bad_request")
    before = snapshot(complaint.number)
    r = client.client.post(
        f"/api/v1/complaints/{complaint.number}/actions/acknowledge",
        "[1, 2",
        content_type="application/json",
        headers=client.headers,
    )
    assert r.status_code == 400
    assert snapshot(complaint.number) == before


def test_wrong_types_in_an_action_body_are_400_naming_the_field(api, complaint):
    before = snapshot(complaint.number)
    error = assert_error_shape(
        api("agent").act(complaint.number, "acknowledge", {"version": "one"}), 400, "validation_error"
    )
    assert "version" in error["fields"]
    assert snapshot(complaint.number) == before


def test_an_action_may_be_posted_without_any_body(api, complaint):
    client = api("agent")
    url = f"/api/v1/complaints/{complaint.number}/actions/acknowledge"
    r = client.client.generic("POST", url, b"", headers=client.headers)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "acknowledged"
