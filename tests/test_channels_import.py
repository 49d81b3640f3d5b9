"""Import of old complaint records from the shell: `manage.py import_complaints FILE [--dry-run]` (R-IN-5).

All rows or none; each bad row named as `row R: COLUMN: message`; imported complaints keep their received date,
final state and old number, are searchable by it, and say on their timeline from which file they came."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from kesu.channels.imports.columns import guess_columns
from kesu.channels.imports.models import ImportRun
from kesu.channels.imports.reader import open_table, parse_moment
from kesu.complaints.models import Complaint, Customer, Event
from kesu.notifications.models import Notification
from kesu.sla.models import Deadline

DATA = Path(__file__).parent / "data" / "import"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
HEADERS = ["受理时间", "客户名称", "联系电话", "投诉内容", "状态", "原编号"]


def run(path, *args):
    """(exit status, stdout, stderr) of the command."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_complaints", str(path), *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue().strip(), err.getvalue().strip()


def write_csv(path: Path, rows, headers=HEADERS, encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows, headers=HEADERS, title: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def service(playbook):
    return playbook("service")


# --- reading -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("2024-03-05", dt.datetime(2024, 3, 5)),
        ("2024/3/5", dt.datetime(2024, 3, 5)),
        ("2024.3.5", dt.datetime(2024, 3, 5)),
        ("2024年3月5日", dt.datetime(2024, 3, 5)),
        ("2024年3月5日 14:30", dt.datetime(2024, 3, 5, 14, 30)),
        ("2024年3月5日14时30分", dt.datetime(2024, 3, 5, 14, 30)),
        ("2024/3/5 9:05:07", dt.datetime(2024, 3, 5, 9, 5, 7)),
        ("2024-03-05T14:30", dt.datetime(2024, 3, 5, 14, 30)),
        ("20240305", dt.datetime(2024, 3, 5)),
        (45356, dt.datetime(2024, 3, 5)),  # an Excel serial date
        (45356.604166666664, dt.datetime(2024, 3, 5, 14, 30)),
        ("45356", dt.datetime(2024, 3, 5)),
        (dt.datetime(2024, 3, 5, 14, 30), dt.datetime(2024, 3, 5, 14, 30)),
        (dt.date(2024, 3, 5), dt.datetime(2024, 3, 5)),
    ],
)
def test_dates_as_old_sheets_write_them_are_local_time(cell, expected):
    moment = parse_moment(cell)
    assert moment == expected.replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize("cell", ["昨天", "2024-13-05", "3/5", "12", "2024年2月30日"])
def test_what_is_no_date_is_refused(cell):
    with pytest.raises((ValueError, OverflowError)):
        parse_moment(cell)


def test_headers_chinese_english_and_variants():
    headers = ["日期", "客户", "手机", "电话", "问题描述", "处理状态", "编号", "受理时间", "Product Code", "备注"]
    got = guess_columns(headers)
    # The documented 受理时间 wins over the variant 日期; of two phone columns the first is read.
    assert got == {
        1: "customer_name",
        2: "phone",
        4: "description",
        5: "status",
        6: "legacy_number",
        7: "received_at",
        8: "product_code",
    }
    english = ["received_at", "customer_name", "phone", "email", "title", "description", "type_code", "status"]
    assert list(guess_columns(english).values()) == english


def test_utf8_bom_and_gb18030_files_read_the_same(tmp_path):
    rows = [["2024-03-05", "张伟", "13800000001", "冰箱不制冷，要求换货。", "已结案", "A-1"]]
    bom = write_csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    gb = write_csv(tmp_path / "gb.csv", rows, encoding="gb18030")
    read = [list(open_table(p).rows()) for p in (bom, gb)]
    assert read[0] == read[1] == [(2, rows[0])]
    assert open_table(gb).headers == HEADERS


def test_a_title_row_above_the_headers_and_empty_rows_keep_the_sheets_numbering(tmp_path):
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [["2024-03-05", "张伟", "13800000001", "冰箱不制冷", "", "A-1"], [], ["2024-03-06", "李娜", "1", "", "", ""]],
        title="2024年客户投诉记录表",
    )
    table = open_table(path)
    assert table.header_row == 2
    assert [number for number, _values in table.rows()] == [3, 5]


# --- the command -------------------------------------------------------------------------------------------------


def test_import_keeps_dates_states_and_old_numbers(service, api, tmp_path):
    status, out, err = run(DATA / "old_records.csv")
    assert (status, out, err) == (0, "imported 3", "")
    got = {c.legacy_no: c for c in Complaint.objects.select_related("customer")}
    closed, open_, archived = got["TS-2024-001"], got["TS-2024-002"], got["TS-2024-003"]
    assert timezone.localtime(closed.received_at).replace(tzinfo=None) == dt.datetime(2024, 3, 5, 9, 30)
    assert closed.number == "KS-20240305-00001"  # numbered by the day it was received
    assert (closed.status, closed.closed_at, closed.review_state) == ("closed", closed.received_at, "")
    assert (archived.status, archived.archived_at) == ("archived", archived.closed_at)
    assert (open_.status, open_.closed_at, open_.channel) == ("new", None, "email")
    assert open_.title.startswith("快递延误一周未送达")  # no title: the description's first line
    assert closed.customer.name == "张伟" and closed.product_code == "BX-100" and closed.batch_no == "B240301"
    # History: no clocks, no notifications, no "create" event (so no acknowledgement to the customer).
    assert not Deadline.objects.exists() and not Notification.objects.exists()
    assert {c.next_due_at for c in got.values()} == {None}
    events = list(Event.objects.filter(complaint=closed))
    assert [e.action for e in events] == ["imported"]
    run_id = ImportRun.objects.get().pk
    assert events[0].data | {"received_at": None} == {
        "file": "old_records.csv",
        "run": run_id,
        "row": 2,
        "legacy_number": "TS-2024-001",
        "received_at": None,
    }
    # The old number finds the complaint.
    found = api("agent").get("/complaints", q="TS-2024-003").json()["items"]
    assert [item["number"] for item in found] == [archived.number]
    record = ImportRun.objects.get()
    assert (record.status, record.rows, record.imported) == ("imported", 3, 3)
    assert (record.first_number, record.last_number) == ("KS-20240305-00001", "KS-20240307-00001")


def test_one_bad_row_imports_nothing_and_names_the_row(service, tmp_path):
    rows = [
        ["2024-03-05", "张伟", "13800000001", "冰箱不制冷", "已结案", "A-1"],
        ["2024-03-06", "李娜", "13800000002", "洗衣机漏水", "", "A-2"],
        ["2024-13-40", "王芳", "13800000003", "热水器漏电", "", "A-3"],
        ["2024-03-08", "赵强", "13800000004", "", "修好了吗", "A-4"],
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    status, out, err = run(path)
    assert status == 1 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("row 4: 受理时间: ")
    assert lines[1].startswith("row 5: 投诉内容: ")
    assert lines[2].startswith("row 5: 状态: ") and "修好了吗" in lines[2]
    assert len(lines) == 3
    assert not Complaint.objects.exists() and not Customer.objects.exists() and not ImportRun.objects.exists()
    # The dry run says the same and also stores nothing.
    assert run(path, "--dry-run") == (1, "", err)


def test_dry_run_prints_ok_and_stores_nothing(service):
    assert run(DATA / "old_records.csv", "--dry-run") == (0, "ok 3", "")
    assert not Complaint.objects.exists() and not ImportRun.objects.exists()


def test_gb18030_variant_headers(service):
    assert run(DATA / "gb18030_variants.csv") == (0, "imported 2", "")
    got = dict(Complaint.objects.values_list("legacy_no", "status"))
    assert got == {"GB-001": "closed", "GB-002": "new"}


def test_xlsx_with_excel_dates_numeric_phones_types_by_name_and_a_title_row(service, tmp_path):
    headers = ["投诉日期", "客户姓名", "电话", "投诉类型", "投诉内容", "渠道", "结案时间", "原编号"]
    rows = [
        [dt.datetime(2024, 5, 1, 10, 0), "周杰", 13912345678, "产品质量", "冰箱异响", "热线", "2024-05-03", "X-1"],
        [45414, "吴敏", 13912345679, "delivery", "快递丢件", "12315", None, "X-2"],
    ]
    path = write_xlsx(tmp_path / "old.xlsx", rows, headers=headers, title="投诉记录表")
    assert run(path) == (0, "imported 2", "")
    one, two = Complaint.objects.select_related("customer", "category").order_by("legacy_no")
    assert one.customer.phone == "13912345678" and one.category.code == "quality" and one.channel == "phone"
    assert one.status == "closed"  # a closing date and no status column: it was closed
    assert timezone.localdate(one.closed_at) == dt.date(2024, 5, 3)
    assert timezone.localdate(two.received_at) == dt.date(2024, 5, 2) and two.category.code == "delivery"
    assert (two.channel, two.status) == ("regulator", "new")
    assert Event.objects.get(complaint=one).data["row"] == 3


def test_customers_found_by_phone_or_email_once_and_numbers_follow_the_days_counter(service, users, tmp_path):
    from kesu.complaints.actions import CustomerInput
    from tests.factories import make_complaint

    earlier = make_complaint(users["agent"], customer=CustomerInput(name="老客户", phone="13700000000"))
    today = timezone.localdate()
    headers = ["受理时间", "客户名称", "联系电话", "邮箱", "投诉内容"]
    rows = [
        [f"{today:%Y-%m-%d} 00:01", "老客户", "137-0000-0000", "", "又坏了"],
        ["2024-01-02", "新客户", "13600000000", "new@example.com", "第一次"],
        ["2024-01-02", "新客户", "", "NEW@example.com", "第二次"],
        ["2024-01-03", "新客户", "13600000000", "", "第三次"],
    ]
    path = write_csv(tmp_path / "c.csv", rows, headers=headers)
    assert run(path) == (0, "imported 4", "")
    imported = Complaint.objects.exclude(pk=earlier.pk).select_related("customer").order_by("received_at")
    assert [c.customer.name for c in imported] == ["新客户", "新客户", "新客户", "老客户"]
    assert Customer.objects.count() == 2
    assert imported[3].customer_id == earlier.customer_id
    assert set(Customer.objects.values_list("relationship", flat=True)) == {"existing"}
    # The day's counter continues after the complaint recorded today; January's numbers are 1 and 2.
    assert imported[3].number == f"KS-{today:%Y%m%d}-00002"
    assert [c.number for c in imported[:2]] == ["KS-20240102-00001", "KS-20240102-00002"]


def test_the_same_file_twice_and_repeated_old_numbers_are_refused(service, tmp_path):
    assert run(DATA / "old_records.csv")[0] == 0
    copy = shutil.copy(DATA / "old_records.csv", tmp_path / "again.csv")
    status, _out, err = run(copy)
    assert status == 1 and err.startswith("row 1: ") and Complaint.objects.count() == 3
    rows = [
        ["2024-03-05", "张伟", "13800000001", "一", "", "D-1"],
        ["2024-03-05", "张伟", "13800000001", "二", "", "D-1"],
    ]
    status, _out, err = run(write_csv(tmp_path / "dup.csv", rows))
    assert status == 1 and err.startswith("row 3: 原编号: ") and "2" in err


def test_missing_required_column_and_unreadable_files(service, tmp_path):
    path = write_csv(tmp_path / "nodesc.csv", [["2024-03-05", "张伟", "13800000001"]], headers=HEADERS[:3])
    status, _out, err = run(path)
    assert status == 1 and err.splitlines()[0].startswith("row 1: 投诉内容: ")
    bogus = tmp_path / "x.xlsx"
    bogus.write_bytes(b"not a workbook")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="file"):
        run(bogus)
    with pytest.raises(CommandError, match="file"):
        run(tmp_path / "old.xls")


def test_future_dates_and_unknown_types_name_their_columns(service, tmp_path):
    headers = ["received_at", "customer_name", "phone", "description", "type_code", "channel"]
    rows = [
        ["2099-01-01", "张伟", "13800000001", "未来", "", ""],
        ["2024-01-01", "张伟", "13800000001", "类型", "不存在的类型", "信鸽"],
        ["2024-01-01", "张伟", "", "无电话", "", ""],
    ]
    status, _out, err = run(write_csv(tmp_path / "e.csv", rows, headers=headers))
    lines = err.splitlines()
    assert status == 1
    assert lines[0].startswith("row 2: received_at: ")
    assert lines[1].startswith("row 3: type_code: ") and lines[2].startswith("row 3: channel: ")
    assert lines[3].startswith("row 4: phone: ")


def test_history_raises_no_early_warning_and_is_not_routed(service, tmp_path):
    from kesu.alerts.models import Alert

    now = timezone.localtime()
    headers = ["受理时间", "客户名称", "联系电话", "投诉内容", "产品编码", "批号"]
    # Four complaints about one batch within hours: recorded at intake, they would raise a batch warning.
    text = "热水器漏电，外壳麻手"
    rows = [
        [f"{now - dt.timedelta(hours=h):%Y-%m-%d %H:%M}", "张伟", f"138{h:08d}", text, "P1", "B1"] for h in range(1, 5)
    ]
    assert run(write_csv(tmp_path / "w.csv", rows, headers=headers)) == (0, "imported 4", "")
    assert not Alert.objects.exists()
    assert set(Complaint.objects.values_list("owner", "department", "severity", "priority")) == {(None, None, "", "")}


def test_imported_complaints_are_found_by_the_customers_phone(service, users, tmp_path):
    from kesu.complaints.actions import CustomerInput
    from kesu.complaints.selectors import ComplaintFilters, complaint_list
    from tests.factories import make_complaint

    make_complaint(users["agent"], customer=CustomerInput(name="老客户", phone="13755556666"))
    headers = ["受理时间", "客户名称", "联系电话", "投诉内容", "原编号"]
    rows = [
        ["2024-01-02", "新客户", "139-1234-8888", "空调漏水", "OLD-1"],
        ["2024-01-03", "老客户", "13755556666", "又坏了", "OLD-2"],
    ]
    assert run(write_csv(tmp_path / "p.csv", rows, headers=headers))[0] == 0

    def found(q: str) -> set[str]:
        qs = complaint_list(user=users["admin"], filters=ComplaintFilters(q=q))
        return set(qs.values_list("legacy_no", flat=True))

    # A new customer and one on file: by the last four digits and by the whole number, as it is read out.
    assert found("8888") == {"OLD-1"}
    assert found("13912348888") == {"OLD-1"}
    assert found("6666") == {"", "OLD-2"}
    assert found("137-5555-6666") == {"", "OLD-2"}
