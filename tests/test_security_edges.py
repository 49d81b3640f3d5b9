"""Answers the routers never see still speak the API's JSON error shape; evidence is what it claims to be."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import snapshot
from tests.test_api_errors import assert_error_shape

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


# --- errors outside the routers ----------------------------------------------------------------------


def test_an_unknown_api_path_is_a_json_404(api):
    assert_error_shape(api("agent").get("/no-such-thing"), 404, "not_found")
    assert_error_shape(Client().get("/api/v1/no/such/path"), 404, "not_found")


def test_a_wrong_method_is_a_json_405(api, complaint):
    client = api("agent")
    r = client.client.delete(f"/api/v1/complaints/{complaint.number}", headers=client.headers)
    assert_error_shape(r, 405, "method_not_allowed")
    r = client.client.put("/api/v1/health", {}, content_type="application/json")
    assert_error_shape(r, 405, "method_not_allowed")


def test_a_body_that_is_not_json_is_a_json_400(api):
    client = api("agent")
    r = client.client.post("/api/v1/complaints", "{not json", content_type="application/json", headers=client.headers)
    assert_error_shape(r, 400, "bad_request")


def test_a_body_over_the_limit_is_a_json_413(api, settings, complaint):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = api("agent")
    before = snapshot(complaint.number)
    big = '{"note": "' + "长" * 2000 + '"}'
    r = client.client.post(
        f"/api/v1/complaints/{complaint.number}/actions/acknowledge",
        big,
        content_type="application/json",
        headers=client.headers,
    )
    assert_error_shape(r, 413, "too_large")
    assert snapshot(complaint.number) == before


def test_an_over_long_upload_file_name_is_not_a_500(api, complaint):
    client = api("agent")
    photo = SimpleUploadedFile("长" * 300 + ".png", PNG, content_type="image/png")
    r = client.client.post(
        f"/api/v1/complaints/{complaint.number}/attachments", {"file": photo}, headers=client.headers
    )
    assert r.status_code in (201, 400), r.content
    assert r["Content-Type"].startswith("application/json")
    if r.status_code == 201:
        assert len(r.json()["name"]) <= 200 and r.json()["name"].endswith(".png")


def test_a_server_error_under_the_api_is_json(api, monkeypatch):
    from kesu.api.routers import reference

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(reference.Category.objects, "filter", boom)
    client = Client(raise_request_exception=False)
    r = client.get("/api/v1/types", headers=api("agent").headers)
    assert_error_shape(r, 500, "server_error")
    assert "boom" not in r.content.decode()


# --- evidence is what it claims to be ---------------------------------------------------------------------


def upload(client, number, name, content, content_type="application/octet-stream"):
    f = SimpleUploadedFile(name, content, content_type=content_type)
    return client.client.post(f"/api/v1/complaints/{number}/attachments", {"file": f}, headers=client.headers)


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("photo.jpg", b"<html><body><script>alert(1)</script></body></html>", "image/jpeg"),
        ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/png"),
        ("photo.jpg", b"#!/bin/sh\nrm -rf /\n", "image/jpeg"),
        ("photo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/svg+xml"),
        ("scan.pdf", JPEG, "application/pdf"),
        ("recording.mp3", b"just some words", "audio/mpeg"),
        ("evidence", b"<html><script>alert(1)</script></html>", "image/png"),
        ("evidence.bin", b"%PDF-1.4 fake", "image/jpeg"),
        ("notes.txt", PNG, "text/plain"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_a_415_naming_the_file(api, complaint, name, content, content_type):
    before = snapshot(complaint.number)
    error = assert_error_shape(
        upload(api("agent"), complaint.number, name, content, content_type), 415, "unsupported_media_type"
    )
    assert "file" in error["fields"]
    assert name in error["message"] or name in " ".join(error["fields"]["file"])
    assert snapshot(complaint.number) == before


@pytest.mark.parametrize(
    "name,content,content_type,stored",
    [
        ("photo.jpg", JPEG, "image/jpeg", "image/jpeg"),
        ("photo.jpeg", JPEG, "application/octet-stream", "image/jpeg"),
        ("IMG_0001.PNG", PNG, "image/png", "image/png"),
        ("chat.txt", "客户：冰箱漏水了\n客服：好的".encode(), "text/plain", "text/plain"),
        ("evidence", PNG, "application/octet-stream", "image/png"),
        ("screenshot.jpg", PNG, "image/jpeg", "image/png"),
        ("page.html", b"<html><script>alert(1)</script></html>", "text/html", "text/plain"),
    ],
)
def test_files_that_are_what_they_claim_are_kept(api, complaint, name, content, content_type, stored):
    r = upload(api("agent"), complaint.number, name, content, content_type)
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == stored
