"""The scheduled report e-mails (R-REP-1): who receives which report, with the workbook and the PDF attached,
once per recipient and period however often the job runs, failures recorded and retried, the recipient's data
scope and language; `manage.py send_reports`; and one run against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from kesu.documents.pdf import page_count
from kesu.reports import mailing, periods
from kesu.reports.models import DeliveryStatus, ReportDelivery, ReportRecipient
from tests import report_week
from tests.report_week import NOW, SH
from tests.test_notifications_delivery import smtp  # noqa: F401  (the fixture)

week = report_week.week  # the fixture
W46 = periods.parse_week("2026-W46")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def recipients(users, departments):
    supervisor = users["supervisor"]
    supervisor.email = "chenmin@example.com"
    supervisor.save(update_fields=["email"])
    return {
        "supervisor": ReportRecipient.objects.create(user=supervisor),
        "office": ReportRecipient.objects.create(email="gm-office@example.com", organisation_data=True, monthly=False),
        "logistics": ReportRecipient.objects.create(
            email="log-lead@example.com", organisation_data=True, department=departments["LOG"], language="en"
        ),
    }


def complaint_rows(message) -> list:
    _name, content, mimetype = next(a for a in message.attachments if a[0].endswith(".xlsx"))
    assert mimetype == XLSX
    sheet = load_workbook(io.BytesIO(content)).worksheets[1]
    header_row = int(sheet.freeze_panes[1:]) - 1
    return [row for row in sheet.iter_rows(min_row=header_row + 1, values_only=True) if any(row)]


def test_each_recipient_gets_the_week_once(week, recipients):
    outcome = mailing.send_period(W46, now=NOW)
    assert sorted(outcome.sent) == ["chenmin@example.com", "gm-office@example.com", "log-lead@example.com"]
    assert len(mail.outbox) == 3
    by_address = {m.to[0]: m for m in mail.outbox}
    supervisor = by_address["chenmin@example.com"]
    assert "投诉周报" in supervisor.subject and "2026-W46" in supervisor.subject
    assert "受理投诉: 7" in supervisor.body
    names = sorted(a[0] for a in supervisor.attachments)
    assert names == ["kesu-weekly-2026-W46.pdf", "kesu-weekly-2026-W46.xlsx"]
    pdf = next(a for a in supervisor.attachments if a[0].endswith(".pdf"))
    assert pdf[2] == "application/pdf" and pdf[1].startswith(b"%PDF-") and page_count(pdf[1]) >= 1
    assert len(complaint_rows(supervisor)) == 7
    # The address without a user reads as the organisation; the logistics lead's as LOG only, in English.
    assert len(complaint_rows(by_address["gm-office@example.com"])) == 7
    logistics = by_address["log-lead@example.com"]
    assert "Weekly complaint report" in logistics.subject and "Complaints received: 2" in logistics.body
    assert {row[1] for row in complaint_rows(logistics)} == {week["E"].number, week["F"].number}

    # A second run, a restarted worker, the hourly job: nothing more is sent.
    again = mailing.send_period(W46, now=NOW + dt.timedelta(hours=1))
    assert again.sent == [] and again.skipped == 3
    mailing.send_due(now=NOW + dt.timedelta(hours=2))
    assert len([m for m in mail.outbox if "2026-W46" in m.subject]) == 3
    assert ReportDelivery.objects.filter(kind="weekly", status=DeliveryStatus.SENT).count() == 3
    sent = ReportDelivery.objects.get(recipient=recipients["supervisor"], kind="weekly")
    assert (sent.kind, sent.period, sent.attempts, sent.sent_at) == ("weekly", "2026-W46", 1, NOW)


def test_the_job_sends_from_monday_eight_and_the_first(week, recipients):
    # Before Monday 08:00 the week is not due; October's summary has been since 1 November (its recipients had
    # none yet: the job catches up until the next month begins).
    monday = dt.datetime(2026, 11, 16, 7, 59, tzinfo=SH)
    assert [o.period for o in mailing.send_due(now=monday)] == ["2026-10"]
    assert all("2026-10" in m.subject for m in mail.outbox) and len(mail.outbox) == 2
    outcomes = mailing.send_due(now=monday + dt.timedelta(minutes=6))
    assert [(o.period, len(o.sent), o.skipped) for o in outcomes] == [("2026-W46", 3, 0), ("2026-10", 0, 2)]
    assert len([m for m in mail.outbox if "2026-W46" in m.subject]) == 3
    # The month: on 1 December from 08:00, to the recipients who asked for it (not the GM office's address).
    outcomes = mailing.send_due(now=dt.datetime(2026, 12, 1, 8, 5, tzinfo=SH))
    assert [o.period for o in outcomes] == ["2026-W48", "2026-11"]
    monthly = [m for m in mail.outbox if "2026-11" in m.subject]
    assert sorted(m.to[0] for m in monthly) == ["chenmin@example.com", "log-lead@example.com"]
    assert "投诉信息月汇总报表" in next(m.subject for m in monthly if m.to[0] == "chenmin@example.com")


def test_a_failure_is_recorded_and_retried(week, recipients, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nobody listens
    outcome = mailing.send_period(W46, now=NOW)
    assert outcome.sent == [] and len(outcome.failed) == 3
    failed = ReportDelivery.objects.get(recipient=recipients["supervisor"])
    assert failed.status == DeliveryStatus.FAILED and failed.attempts == 1 and failed.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outcome = mailing.send_period(W46, now=NOW + dt.timedelta(hours=1))
    assert len(outcome.sent) == 3 and len(mail.outbox) == 3
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT and failed.attempts == 2 and failed.last_error == ""


def test_after_too_many_failures_only_an_operator_retries(week, recipients, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    ReportRecipient.objects.exclude(pk=recipients["office"].pk).update(active=False)
    for hour in range(mailing.MAX_ATTEMPTS):
        mailing.send_period(W46, now=NOW + dt.timedelta(hours=hour))
    delivery = ReportDelivery.objects.get()
    assert delivery.status == DeliveryStatus.GAVE_UP and delivery.attempts == mailing.MAX_ATTEMPTS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mailing.send_period(W46, now=NOW + dt.timedelta(hours=7)).skipped == 1 and mail.outbox == []
    assert mailing.send_period(W46, now=NOW + dt.timedelta(hours=8), again=True).sent == ["gm-office@example.com"]


def test_a_delivery_another_run_is_sending_is_left_alone(week, recipients):
    ReportRecipient.objects.exclude(pk=recipients["office"].pk).update(active=False)
    ReportDelivery.objects.create(
        recipient=recipients["office"], kind="weekly", period="2026-W46", created_at=NOW,
        claimed_until=NOW + dt.timedelta(minutes=10),
    )  # fmt: skip
    assert mailing.send_period(W46, now=NOW).skipped == 1 and mail.outbox == []
    # A worker killed while sending: after the claim expires, a later run sends it.
    assert mailing.send_period(W46, now=NOW + mailing.CLAIM).sent == ["gm-office@example.com"]


def test_a_user_recipient_gets_their_own_scope(week, users, recipients):
    # quality (QA) reads reports but sees none of the week's complaints; handler_log may not read reports.
    ReportRecipient.objects.update(active=False)
    quality = ReportRecipient.objects.create(user=users["quality"], email="qa@example.com")
    handler = ReportRecipient.objects.create(user=users["handler_log"], email="log@example.com")
    outcome = mailing.send_period(W46, now=NOW)
    assert outcome.sent == ["qa@example.com"] and outcome.failed == ["log@example.com"]
    assert complaint_rows(mail.outbox[0]) == []
    refused = ReportDelivery.objects.get(recipient=handler)
    assert refused.status == DeliveryStatus.GAVE_UP and "报表" in refused.last_error
    assert ReportDelivery.objects.get(recipient=quality).status == DeliveryStatus.SENT


def test_an_address_alone_needs_the_administrators_consent(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRecipient.objects.create(email="someone@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRecipient.objects.create(organisation_data=True)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        ReportRecipient(email="someone@example.com").full_clean()
    assert "organisation_data" in caught.value.message_dict


def test_send_reports_command(week, recipients, capsys):
    call_command("send_reports", "--weekly", "--period", "2026-W46", "--dry-run")
    out = capsys.readouterr().out
    assert "would send weekly 2026-W46 to gm-office@example.com" in out
    assert mail.outbox == [] and not ReportDelivery.objects.exists()
    call_command("send_reports", "--weekly", "--period", "2026-W46")
    assert "3 sent" in capsys.readouterr().out and len(mail.outbox) == 3
    call_command("send_reports", "--weekly", "--period", "2026-W46")
    assert "0 sent, 0 failed, 3 already done" in capsys.readouterr().out and len(mail.outbox) == 3
    with pytest.raises(CommandError, match="--period"):
        call_command("send_reports", "--monthly", "--period", "2026-W46")


def test_a_real_smtp_server_receives_it_once(week, recipients, smtp):  # noqa: F811
    smtp.start()
    ReportRecipient.objects.exclude(pk=recipients["supervisor"].pk).update(active=False)
    assert mailing.send_period(W46, now=NOW).sent == ["chenmin@example.com"]
    assert mailing.send_period(W46, now=NOW).sent == []
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "chenmin@example.com" and "投诉周报" in message["Subject"]
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert set(files) == {"kesu-weekly-2026-W46.xlsx", "kesu-weekly-2026-W46.pdf"}
    assert files["kesu-weekly-2026-W46.pdf"].startswith(b"%PDF-")
    assert load_workbook(io.BytesIO(files["kesu-weekly-2026-W46.xlsx"])).sheetnames[0] == "汇总"


def test_the_worker_schedules_the_job():
    from kesu.reports import tasks

    # Every hour at :05 (Huey's clock is UTC: 00:05 UTC is 08:05 in Shanghai).
    task = tasks.send_due_reports_hourly.task_class()
    assert task.validate_datetime(dt.datetime(2026, 12, 7, 0, 5))
    assert task.validate_datetime(dt.datetime(2026, 12, 7, 13, 5))
    assert not task.validate_datetime(dt.datetime(2026, 12, 7, 0, 6))


def test_the_job_passes_one_now(monkeypatch):
    from kesu.reports import tasks

    seen = []
    monkeypatch.setattr(mailing, "send_due", lambda *, now: seen.append(now) or [])
    tasks.send_due_reports_hourly.call_local()
    assert len(seen) == 1 and seen[0].tzinfo is not None


def test_the_administrator_names_recipients(users, client):
    client.force_login(users["admin"])
    r = client.post(
        "/admin/reports/reportrecipient/add/",
        {"email": "board@example.com", "weekly": "on", "language": "en", "active": "on"},
    )
    assert r.status_code == 200 and "organisation_data" in r.context["adminform"].form.errors
    assert not ReportRecipient.objects.exists()
    r = client.post(
        "/admin/reports/reportrecipient/add/",
        {"email": "board@example.com", "weekly": "on", "language": "en", "active": "on", "organisation_data": "on"},
    )
    assert r.status_code == 302, r.content[:300]
    assert ReportRecipient.objects.get().address == "board@example.com"
    assert client.get("/admin/reports/reportdelivery/").status_code == 200
