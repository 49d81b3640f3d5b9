"""Evidence attachments through the API: checked by content, size-limited, scoped, read-only when archived."""

import random
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import advance, make_complaint, snapshot


def png_bytes(width=2, height=2) -> bytes:
    """A real, decodable PNG image (RGB, red pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) + b"\xff\xd9"
WINDOWS_EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
)
LINUX_ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 300
RANDOM = random.Random(20261122).randbytes(4096)


@pytest.fixture
def prod_complaint(users):
    return advance(make_complaint(users["agent"]), users["admin"], "investigating", department="PROD")


def upload(client, number, name, content, **fields):
    return client.client.post(
        f"/api/v1/complaints/{number}/attachments",
        {"file": SimpleUploadedFile(name, content), **fields},
        headers=client.headers,
    )


def download(client, url):
    r = client.client.get(url, headers=client.headers)
    content = b"".join(r.streaming_content) if r.status_code == 200 else r.content
    return r, content


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_list_and_download_a_photo(api, prod_complaint):
    handler = api("handler")
    image = png_bytes()
    r = upload(handler, prod_complaint.number, "漏水照片.png", image, source="customer", description="地板泡水")
    assert r.status_code == 201, r.content
    a = r.json()
    assert (a["name"], a["content_type"], a["size"]) == ("漏水照片.png", "image/png", len(image))
    assert (a["source"], a["description"], a["uploaded_by"]) == ("customer", "地板泡水", "handler")
    assert a["uploaded_at"].endswith("+08:00")
    assert a["download_url"] == f"/api/v1/complaints/{prod_complaint.number}/attachments/{a['id']}"

    listed = handler.get(f"/complaints/{prod_complaint.number}/attachments").json()
    assert [x["id"] for x in listed] == [a["id"]]

    r, content = download(handler, a["download_url"])
    assert r.status_code == 200
    assert content == image
    assert r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"

    # The agent (org-wide) sees it too, and the timeline records it.
    assert download(api("agent"), a["download_url"])[1] == image
    last = handler.get(f"/complaints/{prod_complaint.number}/events").json()[-1]
    assert (last["action"], last["actor"], last["data"]["name"]) == ("attachment_added", "handler", "漏水照片.png")


def test_the_content_decides_the_type_not_the_name(api, prod_complaint):
    r = upload(api("handler"), prod_complaint.number, "scan.png", JPEG)
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "image/jpeg"
    r, content = download(api("handler"), r.json()["download_url"])
    assert (r["Content-Type"], content) == ("image/jpeg", JPEG)


def test_html_is_served_as_an_inert_text_download(api, prod_complaint):
    page = b"<html><script>alert(document.cookie)</script></html>"
    r = upload(api("handler"), prod_complaint.number, "invoice.html", page)
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "text/plain"
    r, content = download(api("handler"), r.json()["download_url"])
    assert r["Content-Type"].startswith("text/plain")
    assert r["Content-Disposition"].startswith("attachment")
    assert content == page


@pytest.mark.parametrize("content", [WINDOWS_EXE, LINUX_ELF, RANDOM], ids=["exe", "elf", "random"])
def test_a_disguised_binary_is_refused_with_415(api, settings, prod_complaint, content):
    before = snapshot(prod_complaint.number)
    r = upload(api("handler"), prod_complaint.number, "photo.jpg", content)
    assert r.status_code == 415, r.content
    assert r.json()["error"]["code"] == "unsupported_media_type"
    assert "file" in r.json()["error"]["fields"]
    assert snapshot(prod_complaint.number) == before
    assert stored_files(settings) == []


def test_a_file_over_the_size_limit_is_refused_with_413(api, settings, prod_complaint):
    image = png_bytes(40, 40)
    settings.KESU_MAX_UPLOAD_BYTES = len(image) - 1
    before = snapshot(prod_complaint.number)
    r = upload(api("handler"), prod_complaint.number, "big.png", image)
    assert r.status_code == 413, r.content
    assert r.json()["error"]["code"] == "too_large"
    assert snapshot(prod_complaint.number) == before
    assert stored_files(settings) == []
    settings.KESU_MAX_UPLOAD_BYTES = len(image)
    assert upload(api("handler"), prod_complaint.number, "big.png", image).status_code == 201


@pytest.mark.parametrize(
    ("fields", "name", "content", "field"),
    [
        ({}, "empty.png", b"", "file"),
        ({"source": "rumour"}, "a.png", png_bytes(), "source"),
        ({"captured_at": "last tuesday"}, "a.png", png_bytes(), "captured_at"),
        ({"description": "长" * 201}, "a.png", png_bytes(), "description"),
    ],
)
def test_bad_attachment_input_is_400_naming_the_field(api, settings, prod_complaint, fields, name, content, field):
    before = snapshot(prod_complaint.number)
    r = upload(api("handler"), prod_complaint.number, name, content, **fields)
    assert r.status_code == 400, r.content
    assert field in r.json()["error"]["fields"]
    assert snapshot(prod_complaint.number) == before
    assert stored_files(settings) == []


def test_a_request_without_a_file_is_400(api, prod_complaint):
    client = api("handler")
    r = client.client.post(
        f"/api/v1/complaints/{prod_complaint.number}/attachments", {"source": "customer"}, headers=client.headers
    )
    assert r.status_code == 400
    assert "file" in r.json()["error"]["fields"]


def test_captured_at_is_kept_in_china_time(api, prod_complaint):
    r = upload(api("handler"), prod_complaint.number, "a.png", png_bytes(), captured_at="2026-11-20T06:00:00Z")
    assert r.status_code == 201, r.content
    assert r.json()["captured_at"] == "2026-11-20T14:00:00+08:00"


def test_the_file_name_cannot_climb_out(api, prod_complaint, settings):
    r = upload(api("handler"), prod_complaint.number, "../../etc/passwd.png", png_bytes())
    assert r.status_code == 201, r.content
    assert r.json()["name"] == "passwd.png"
    media = Path(settings.MEDIA_ROOT).resolve()
    assert all(media in p.resolve().parents for p in stored_files(settings))


def test_attachments_out_of_scope_are_404(api, prod_complaint, settings):
    r = upload(api("handler"), prod_complaint.number, "a.png", png_bytes())
    url = r.json()["download_url"]
    outsider = api("handler_log")
    before = snapshot(prod_complaint.number)
    for response in [
        upload(outsider, prod_complaint.number, "b.png", png_bytes()),
        outsider.get(f"/complaints/{prod_complaint.number}/attachments"),
        download(outsider, url)[0],
    ]:
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert snapshot(prod_complaint.number) == before
    assert len(stored_files(settings)) == 1


def test_an_attachment_is_only_reachable_through_its_own_complaint(api, users, prod_complaint):
    r = upload(api("handler"), prod_complaint.number, "a.png", png_bytes())
    other = advance(make_complaint(users["agent"]), users["admin"], "investigating", department="PROD")
    r, _content = download(api("handler"), f"/api/v1/complaints/{other.number}/attachments/{r.json()['id']}")
    assert r.status_code == 404


def test_roles_that_do_not_handle_complaints_cannot_add_evidence(api, settings, prod_complaint):
    before = snapshot(prod_complaint.number)
    r = upload(api("archivist"), prod_complaint.number, "a.png", png_bytes())
    assert r.status_code == 403
    assert snapshot(prod_complaint.number) == before
    assert stored_files(settings) == []


def test_archived_complaints_take_no_new_evidence_but_keep_the_old(api, users, settings):
    complaint = advance(make_complaint(users["agent"]), users["admin"], "investigating", department="PROD")
    image = png_bytes()
    url = upload(api("handler"), complaint.number, "a.png", image).json()["download_url"]
    complaint = advance(complaint, users["admin"], "archived")
    before = snapshot(complaint.number)
    r = upload(api("handler"), complaint.number, "b.png", png_bytes(3, 3))
    assert r.status_code == 409, r.content
    assert r.json()["error"]["code"] == "read_only"
    assert snapshot(complaint.number) == before
    assert len(stored_files(settings)) == 1
    assert download(api("archivist"), url)[1] == image
