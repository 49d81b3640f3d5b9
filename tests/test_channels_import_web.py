"""The web flow of an import of old records: upload → map → check (dry run: report page and .xlsx of errors) →
import, through the Django test client; only administrators, supervisors and directors may."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kesu.channels.imports.models import ImportMapping, ImportRun
from kesu.complaints.models import Complaint, Event

DATA = Path(__file__).parent / "data" / "import"


@pytest.fixture
def service(playbook):
    return playbook("service")


def upload(client, name: str, content: bytes, **extra):
    f = io.BytesIO(content)
    f.name = name
    return client.post("/imports/", {"file": f, **extra})


def test_nav_link_only_for_those_who_may_import(web, users):
    assert 'href="/imports/"' in web("supervisor").get("/").content.decode()
    assert 'href="/imports/"' not in web("agent").get("/").content.decode()


def mapping_of(run: ImportRun) -> dict[str, str]:
    return {f"col_{i}": run.columns.get(str(i), "") for i in range(len(run.headers))}


def test_upload_map_check_and_import(web, service):
    client = web("supervisor", "en")
    r = upload(client, "old_records.csv", (DATA / "old_records.csv").read_bytes())
    run = ImportRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/imports/{run.pk}/"
    page = client.get(r["Location"]).content.decode()
    # The recognised headers are preselected, with the file's first values beside them.
    assert '<option value="received_at" selected>' in page and "TS-2024-001" in page
    assert run.status == "uploaded" and run.columns["13"] == "legacy_number"

    r = client.post(f"/imports/{run.pk}/", {**mapping_of(run), "save_as": "旧投诉表"})
    assert r.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.rows, run.errors) == ("checked", 3, [])
    assert ImportMapping.objects.get(name="旧投诉表").columns["原编号"] == "legacy_number"
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "3 rows checked: no errors" in page and "张伟" in page and 'id="import-start"' in page
    assert not Complaint.objects.exists()  # the check stores nothing

    r = client.post(f"/imports/{run.pk}/import")
    assert r.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.imported, run.stored_path) == ("imported", 3, "")
    assert Complaint.objects.count() == 3
    event = Event.objects.filter(action="imported").first()
    assert event.data["file"] == "old_records.csv" and event.data["run"] == run.pk
    assert event.actor.username == "supervisor"
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "3 complaints were imported." in page and run.first_number in page
    # The timeline of an imported complaint says so.
    page = client.get(f"/complaints/{run.first_number}").content.decode()
    assert "Imported" in page and "old_records.csv" in page


def test_a_bad_row_is_reported_on_the_page_and_as_xlsx_and_blocks_the_import(web, service):
    client = web("admin", "en")
    content = (
        "受理时间,客户名称,联系电话,投诉内容\n"
        "2024-03-05,张伟,13800000001,冰箱不制冷\n"
        "昨天,李娜,13800000002,洗衣机漏水\n"
        "2024-03-07,王芳,,热水器漏电\n"
    ).encode("gb18030")
    upload(client, "bad.csv", content)
    run = ImportRun.objects.get()
    client.post(f"/imports/{run.pk}/", mapping_of(run))
    run.refresh_from_db()
    assert run.status == "invalid"
    assert [(e["row"], e["column"], e["value"]) for e in run.errors] == [(3, "受理时间", "昨天"), (4, "联系电话", "")]
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "2 errors in 2 rows" in page and "昨天" in page and 'id="import-start"' not in page

    r = client.get(f"/imports/{run.pk}/errors.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] is not None]
    table = rows[rows.index(("Row", "Column", "Value", "Message")) + 1 :]
    assert [(row[0], row[1], row[2]) for row in table] == [(3, "受理时间", "昨天"), (4, "联系电话", None)]

    r = client.post(f"/imports/{run.pk}/import")
    assert r.status_code == 409 and not Complaint.objects.exists()


def test_columns_kesu_does_not_know_are_mapped_by_hand_and_the_mapping_reused(web, service):
    client = web("director", "en")
    content = "登记日,顾客名,联络号码,问题点\n2024-03-05,张伟,13800000001,冰箱不制冷\n".encode()
    upload(client, "odd.csv", content)
    run = ImportRun.objects.get()
    assert run.columns == {}
    client.post(f"/imports/{run.pk}/", {"col_0": "received_at", "col_1": "customer_name", "col_2": "phone"})
    run.refresh_from_db()
    assert run.status == "invalid" and run.errors[0]["column"] == "投诉内容"  # no column for the description
    # The same field for two columns is refused next to the column.
    r = client.post(f"/imports/{run.pk}/", {"col_0": "received_at", "col_1": "customer_name", "col_2": "received_at"})
    assert r.status_code == 400 and "is already read from the column" in r.content.decode()
    mapping = {"col_0": "received_at", "col_1": "customer_name", "col_2": "phone", "col_3": "description"}
    client.post(f"/imports/{run.pk}/", {**mapping, "save_as": "旧系统"})
    run.refresh_from_db()
    assert run.status == "checked"
    # A second file with those headers, uploaded with the saved mapping, needs no mapping by hand.
    saved = ImportMapping.objects.get(name="旧系统")
    upload(client, "odd2.csv", content.replace(b"2024-03-05", b"2024-03-06"), mapping=str(saved.pk))
    second = ImportRun.objects.order_by("-id").first()
    assert second.columns == {"0": "received_at", "1": "customer_name", "2": "phone", "3": "description"}


@pytest.mark.parametrize("role", ["agent", "handler", "quality", "archivist", "manager"])
def test_other_roles_may_not_import(web, users, service, role):
    ImportRun.objects.create(file_name="x.csv", sha256="0" * 64, status="checked", created_at="2026-01-01T00:00Z")
    run = ImportRun.objects.get()
    client = web(role)
    assert client.get("/imports/").status_code == 403
    assert upload(client, "old_records.csv", (DATA / "old_records.csv").read_bytes()).status_code == 403
    assert client.post(f"/imports/{run.pk}/import").status_code == 403
    assert client.get(f"/imports/{run.pk}/errors.xlsx").status_code == 403
    assert ImportRun.objects.count() == 1 and not Complaint.objects.exists()


def test_files_that_are_no_sheet_are_refused_on_the_upload_page(web, service):
    client = web("supervisor", "en")
    r = upload(client, "old.xls", b"\xd0\xcf\x11\xe0 not really")
    assert r.status_code == 400 and "save the sheet as .xlsx or .csv" in r.content.decode()
    r = upload(client, "fake.xlsx", b"PK not a zip")
    assert r.status_code == 400 and "not a readable .xlsx" in r.content.decode()
    assert not ImportRun.objects.exists()


def test_the_api_checks_and_imports_all_or_nothing(api, service):
    client = api("supervisor")

    def post(name, content, **form):
        f = io.BytesIO(content)
        f.name = name
        return client.client.post("/api/v1/imports", {"file": f, **form}, headers=client.headers)

    good = (DATA / "old_records.csv").read_bytes()
    r = post("old_records.csv", good, dry_run="true")
    assert r.status_code == 200 and r.json()["ok"] is True and r.json()["rows"] == 3
    assert not Complaint.objects.exists()
    bad = good.replace(b"2024/3/6", b"2024/3/66")
    r = post("bad.csv", bad)
    assert r.status_code == 422 and not Complaint.objects.exists()
    assert [(e["row"], e["column"]) for e in r.json()["error"]["rows"]] == [(3, "受理时间")]
    r = post("old_records.csv", good)
    assert r.status_code == 201 and r.json()["imported"] == 3 and Complaint.objects.count() == 3
    assert not ImportRun.objects.exclude(stored_path="").exists()  # no upload is kept
    agent = api("agent")
    f = io.BytesIO(good)
    f.name = "x.csv"
    r = agent.client.post("/api/v1/imports", {"file": f}, headers=agent.headers)
    assert r.status_code == 403 and Complaint.objects.count() == 3
