"""The playbooks' names in both languages: a reader of the English pages reads departments, clocks, rules, task
titles and notifications in English, a reader of the Chinese pages in Chinese — whoever wrote them, in whichever
language."""

import datetime as dt
import re

import pytest
import yaml
from django.conf import settings
from django.utils import timezone, translation

from kesu.accounts.models import Department
from kesu.notifications.models import Notification
from kesu.routing.models import Task, TaskKind
from kesu.rules import playbooks
from kesu.rules.models import Rule
from kesu.sla import sweep
from kesu.sla.models import ClockDefinition
from tests.factories import advance, make_complaint


def _reader(web, name, language):
    client = web(name)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _section(html: str, section_id: str) -> str:
    """The card whose heading carries `section_id` (up to the next card)."""
    start = html.index(f'id="{section_id}"')
    end = html.find('class="card', start + 1)
    return html[start : end if end > 0 else len(html)]


@pytest.mark.parametrize("name", playbooks.available())
def test_every_named_thing_of_a_playbook_has_its_english_name(db, name):
    data = yaml.safe_load((playbooks.PLAYBOOK_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    missing = [
        f"{kind} {row.get('code') or row.get('role')}"
        for kind, rows in (
            ("department", data.get("departments", [])),
            ("type", data["categories"]),
            ("rule", data["rules"]),
            ("clock", data["clocks"]),
            ("on-site role", (data["settings"].get("major") or {}).get("onsite_team", [])),
        )
        for row in rows
        if not row.get("role_en" if kind == "on-site role" else "name_en")
    ]
    missing += [f"rule {r['code']} (reason)" for r in data["rules"] if r.get("reason") and not r.get("reason_en")]
    assert not data.get("name") or data.get("name_en"), "the playbook's own name"
    assert missing == []

    # Loading it fills them in: the playbook, each of its departments, its clocks and its rules.
    result = playbooks.load(name)
    assert result.playbook.name_en
    codes = [d["code"] for d in data["departments"]]
    assert Department.objects.filter(code__in=codes).count() == len(codes)
    assert list(Department.objects.filter(code__in=codes, name_en="").values_list("code", flat=True)) == []
    clocks = ClockDefinition.objects.filter(playbook=result.playbook)
    assert clocks.count() == len(data["clocks"])
    assert list(clocks.filter(name_en="").values_list("code", flat=True)) == []
    rules = Rule.objects.filter(ruleset__playbook=result.playbook, ruleset__active=True)
    assert rules.count() == len(data["rules"])
    assert list(rules.filter(name_en="").values_list("code", flat=True)) == []
    with translation.override("en"):
        assert {c.display_name for c in clocks} == {c["name_en"] for c in data["clocks"]}
    with translation.override("zh-hans"):
        assert {c.display_name for c in clocks} == {c["name"] for c in data["clocks"]}


def test_a_department_that_exists_keeps_its_names_and_gets_the_english_one(db):
    Department.objects.filter(code="QA").delete()
    dept = Department.objects.create(code="QA", name="品质保证部")
    playbooks.load("manufacturing")
    dept.refresh_from_db()
    assert (dept.name, dept.name_en) == ("品质保证部", "Quality")
    dept.name_en = "QA office"
    dept.save()
    playbooks.load("retail")
    dept.refresh_from_db()
    assert dept.name_en == "QA office"  # what the administrator typed stays


@pytest.fixture
def assigned(users, playbook):
    """A manufacturing complaint (possible loss ≥ 5,000 CNY) sent to quality, production asked to collaborate,
    its first-response clock missed — all of it done while the Chinese pages were active."""
    playbook("manufacturing")
    with translation.override("zh-hans"):
        c = make_complaint(users["agent"], type_code="quality", amount="6000", title="外壳开裂")
        c = advance(c, users["admin"], "assigned", department=None)  # by the matrix: production collaborates
        sweep.run(now=timezone.now() + dt.timedelta(days=30))
    return c


def test_the_complaint_page_names_clocks_rules_departments_and_tasks_in_the_readers_language(web, users, assigned):
    c = assigned
    task = Task.objects.get(complaint=c, kind=TaskKind.COLLABORATION, department__code="PROD")
    assert task.title == f"生产部：协助处理投诉 {c.number}"  # stored in the organisation's language

    html = _reader(web, "admin", "en").get(f"/complaints/{c.number}").content.decode()
    clocks = _section(html, "sec-clocks")
    assert "First response" in clocks and "首次响应" not in clocks
    rule = re.search(r'data-rule="amount_ge_5000".*?</tr>', html, re.S).group(0)
    assert "Possible major loss (≥5,000 CNY)" in rule and "Possible loss to the company of 5,000 CNY or more" in rule
    assert "可能" not in rule
    assert f"Production: support the handling of {c.number}" in html and "协助处理投诉" not in html
    timeline = html[html.index('id="sec-timeline"') :]
    assert re.search(r"Clock:</dt><dd[^>]*>A-class initial corrective report \(24 h\)<", timeline)  # the breach
    assert re.search(r"Department:</dt><dd[^>]*>— → Quality<", timeline)  # the assignment
    assert re.search(r"Collaborating departments:</dt><dd[^>]*>Production、Sales<", timeline)

    html = _reader(web, "admin", "zh-hans").get(f"/complaints/{c.number}").content.decode()
    clocks = _section(html, "sec-clocks")
    assert "首次响应" in clocks and "First response" not in clocks
    rule = re.search(r'data-rule="amount_ge_5000".*?</tr>', html, re.S).group(0)
    assert "可能造成公司巨大损失(≥5000元)" in rule and "Possible" not in rule
    assert f"生产部：协助处理投诉 {c.number}" in html
    timeline = html[html.index('id="sec-timeline"') :]
    assert re.search(r"<dd[^>]*>A类初步整改报告\(24小时\)<", timeline)
    assert re.search(r"<dd[^>]*>— → 质量部<", timeline) and re.search(r"<dd[^>]*>生产部、销售部<", timeline)


def test_a_notification_written_in_chinese_reads_in_english_for_an_english_reader(web, users, assigned, api_for):
    c = assigned
    zh, en = (
        f"投诉 {c.number}：A类初步整改报告(24小时)已超时",
        f"{c.number}: A-class initial corrective report (24 h) is overdue",
    )
    owner = c.owner.username
    note = Notification.objects.get(kind="sla_breach", user=c.owner, title__contains="A类初步整改报告")
    assert note.title == zh  # kept in the organisation's language (e-mail, search)

    html = _reader(web, owner, "en").get("/notifications").content.decode()
    assert en in html and zh not in html
    html = _reader(web, owner, "zh-hans").get("/notifications").content.decode()
    assert zh in html and en not in html

    # The task notice names the task in the reader's language too.
    handler = Notification.objects.filter(user=users["handler"], kind="task_assigned").first()
    assert handler is not None
    with translation.override("en"):
        assert handler.display_title == f"{c.number}: your department is asked to collaborate"

    # The API keeps `title` as stored and adds the caller's language beside it.
    client = api_for(c.owner)
    body = client.client.get("/api/v1/notifications", headers={**client.headers, "Accept-Language": "en"}).json()
    item = next(i for i in body["items"] if i["title"] == zh)
    assert item["display_title"] == en


def test_a_notification_from_before_reads_as_it_was_stored(web, users):
    Notification.objects.create(
        user=users["agent"],
        kind="assigned",
        title="旧的通知标题",
        body="旧的正文",
        key="old:1",
        created_at=timezone.now(),
    )
    html = _reader(web, "agent", "en").get("/notifications").content.decode()
    assert "旧的通知标题" in html and "旧的正文" in html


def test_a_department_reads_in_the_readers_language_in_forms_and_lists(users, playbook):
    playbook("manufacturing")
    qa = Department.objects.get(code="QA")
    with translation.override("en"):
        assert str(qa) == "Quality (QA)"
    with translation.override("zh-hans"):
        assert str(qa) == "质量部 (QA)"


def test_the_ledger_names_the_penalty_rule_in_the_readers_language(web, users, assigned):
    # The missed initial corrective report costs its owner 100 CNY under the manufacturing playbook.
    html = _reader(web, "admin", "en").get("/ledger").content.decode()
    assert "Initial corrective report not returned on time" in html and "未按时回复初步整改报告" not in html
    html = _reader(web, "admin", "zh-hans").get("/ledger").content.decode()
    assert "未按时回复初步整改报告(质量部考核意见)" in html and "Initial corrective report" not in html


def test_the_responsible_department_reads_in_the_readers_language_on_the_page_and_in_the_inbox(web, users, assigned):
    c = assigned
    for language, name, other in (("en", "Quality", "质量部"), ("zh-hans", "质量部", "Quality")):
        reader = _reader(web, "admin", language)
        page = reader.get(f"/complaints/{c.number}").content.decode()
        header = page[page.index('class="text-end small header-owner"') : page.index("</header>")]
        assert name in header and other not in header, language
        handling = page[page.index('id="sec-handling"') : page.index("</section>", page.index('id="sec-handling"'))]
        assert name in handling and other not in handling, language
        inbox = reader.get("/?tab=all").content.decode()
        cell = re.search(rf'data-number="{c.number}".*?class="text-nowrap dept-cell">([^<]*)<', inbox, re.S).group(1)
        assert cell == name, language
