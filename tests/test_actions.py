"""Every lifecycle action of API.md, driven through POST /api/v1/complaints/{number}/actions/{action}."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Category, Complaint
from tests.factories import UserFactory, advance, make_complaint, snapshot


@pytest.fixture
def at(users):
    """at("investigating") → a fresh complaint brought to that stop through the real actions.

    Besides the stops of factories.ROAD_STOPS: "new", "rejected", "closed_pending" (closed by an agent,
    awaiting review) and "paused" (investigating with the clock paused). Assigned to PROD / handler.
    """

    def make(stop: str) -> Complaint:
        complaint = make_complaint(users["agent"])
        if stop == "new":
            return complaint
        if stop == "closed_pending":
            complaint = advance(complaint, users["admin"], "rated")
            actions.do_close(complaint, actor=users["agent"], now=timezone.now())
        elif stop == "paused":
            complaint = advance(complaint, users["admin"], "investigating")
            actions.do_pause_clock(complaint, actor=users["handler"], now=timezone.now(), reason="等待客户寄回样品")
        else:
            return advance(complaint, users["admin"], stop)
        complaint.refresh_from_db()
        return complaint

    return make


def refused(client, number, action, body, status, code, field=None):
    """POST the action, expect the refusal, and check that nothing at all changed."""
    before = snapshot(number)
    r = client.act(number, action, body)
    assert r.status_code == status, r.content
    error = r.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    if field:
        assert field in error.get("fields", {}), error
    assert snapshot(number) == before
    return error


def events(client, number):
    r = client.get(f"/complaints/{number}/events")
    assert r.status_code == 200, r.content
    return r.json()


@dataclass(frozen=True)
class Case:
    action: str
    stop: str  # where the action is allowed
    actor: str  # who may take it
    body: dict
    after: str  # the status it leads to
    wrong_stop: str  # a state where it is not allowed …
    wrong_code: str  # … and the error code there
    wrong_role: str  # someone who sees the complaint but may not take the action
    bad_body: dict | None = None
    bad_field: str | None = None


CASES = [
    Case(*case)
    for case in [
        (
            "acknowledge",
            "new",
            "agent",
            {"note": "已致电客户,约定上门"},
            "acknowledged",
            "triaged",
            "invalid_transition",
            "archivist",
            {"note": "长" * 2001},
            "note",
        ),
        (
            "triage",
            "acknowledged",
            "supervisor",
            {
                "type_code": "service",
                "severity": "A",
                "priority": "urgent",
                "justified": True,
                "reason": "实为服务问题",
            },
            "triaged",
            "new",
            "invalid_transition",
            "archivist",
            {"severity": "X"},
            "severity",
        ),
        (
            "assign",
            "triaged",
            "supervisor",
            {"department": "PROD", "owner": "handler"},
            "assigned",
            "acknowledged",
            "invalid_transition",
            "archivist",
            {"department": "NOPE"},
            "department",
        ),
        (
            "start",
            "assigned",
            "handler",
            {},
            "investigating",
            "investigating",
            "invalid_transition",
            "archivist",
            None,
            None,
        ),
        (
            "propose_solution",
            "investigating",
            "handler",
            {"solution_type": "exchange", "detail": "换新机一台"},
            "solution_proposed",
            "assigned",
            "invalid_transition",
            "archivist",
            {"solution_type": "bribe", "detail": "私下给钱"},
            "solution_type",
        ),
        (
            "customer_response",
            "solution_proposed",
            "agent",
            {"accepted": True, "comment": "同意换新"},
            "solution_proposed",
            "investigating",
            "invalid_transition",
            "handler",
            {"accepted": "maybe"},
            "accepted",
        ),
        (
            "resolve",
            "accepted",
            "handler",
            {"summary": "已上门换新"},
            "resolved",
            "investigating",
            "invalid_transition",
            "archivist",
            {"summary": "   "},
            "summary",
        ),
        (
            "rate",
            "resolved",
            "agent",
            {"score": 2, "comment": "满意"},
            "resolved",
            "investigating",
            "invalid_transition",
            "handler",
            {"score": 6},
            "score",
        ),
        (
            "close",
            "rated",
            "supervisor",
            {},
            "closed",
            "investigating",
            "invalid_transition",
            "handler",
            {"reason": "理" * 2001},
            "reason",
        ),
        (
            "review",
            "closed_pending",
            "supervisor",
            {"approved": True, "comment": "处理得当"},
            "closed",
            "resolved",
            "invalid_transition",
            "agent",
            {"approved": False},
            "comment",
        ),
        ("archive", "closed", "archivist", {}, "archived", "resolved", "invalid_transition", "agent", None, None),
        (
            "reject",
            "acknowledged",
            "agent",
            {"reason": "客户使用不当", "reply": "已向客户说明使用方法"},
            "rejected",
            "investigating",
            "invalid_transition",
            "archivist",
            {"reason": "客户使用不当"},
            "reply",
        ),
        (
            "reopen",
            "closed",
            "supervisor",
            {"reason": "客户再次来电"},
            "reopened",
            "investigating",
            "invalid_transition",
            "archivist",
            {"reason": "  "},
            "reason",
        ),
        (
            "escalate",
            "investigating",
            "handler",
            {"reason": "客户扬言投诉到12315"},
            "investigating",
            "closed",
            "invalid_transition",
            "archivist",
            {"reason": ""},
            "reason",
        ),
        (
            "note",
            "investigating",
            "handler",
            {"text": "已联系工厂分析原因", "internal": True},
            "investigating",
            "archived",
            "read_only",
            "archivist",
            {"text": "", "internal": True},
            "text",
        ),
        (
            "pause_clock",
            "investigating",
            "handler",
            {"reason": "等待客户寄回样品"},
            "investigating",
            "closed",
            "invalid_transition",
            "archivist",
            {},
            "reason",
        ),
        (
            "resume_clock",
            "paused",
            "handler",
            {"reason": "样品已收到"},
            "investigating",
            "closed",
            "invalid_transition",
            "archivist",
            {"reason": "理" * 2001},
            "reason",
        ),
    ]
]
IDS = [case.action for case in CASES]


# Merge, link and unlink name another complaint in their body: tests/test_merge.py drives them.
WORKSPACE_ACTIONS = {"merge", "link", "unlink"}


def test_the_table_covers_every_action():
    assert sorted(IDS) == sorted(set(actions.ACTIONS) - WORKSPACE_ACTIONS)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_action(api, at, case):
    """Refused for a wrong role, a stale version and bad input without any change; then done; refused
    in a wrong state."""
    complaint = at(case.stop)
    number = complaint.number
    refused(api(case.wrong_role), number, case.action, case.body, 403, "forbidden")
    stale = {**case.body, "version": complaint.version - 1}
    error = refused(api(case.actor), number, case.action, stale, 409, "version_conflict")
    assert "version" in error["fields"]
    if case.bad_body is not None:
        refused(api(case.actor), number, case.action, case.bad_body, 400, "validation_error", case.bad_field)

    client = api(case.actor)
    before_events = complaint.events.count()
    r = client.act(number, case.action, {**case.body, "version": complaint.version})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == case.after
    assert out["version"] == complaint.version + 1
    timeline = events(client, number)
    assert len(timeline) == before_events + 1
    last = timeline[-1]
    assert last["action"] == case.action
    assert last["actor"] == case.actor
    assert last["from_status"] == complaint.status
    assert last["to_status"] == case.after

    elsewhere = at(case.wrong_stop)
    refused(api(case.actor), elsewhere.number, case.action, case.body, 409, case.wrong_code)


def test_unknown_action_is_404(api, complaint):
    refused(api("agent"), complaint.number, "teleport", {}, 404, "not_found")


# ---------------------------------------------------------------------------------------------
# The whole life of a complaint


def test_a_complaint_lives_its_whole_life_through_the_api(api, users):
    agent, supervisor, handler, archivist = api("agent"), api("supervisor"), api("handler"), api("archivist")
    r = agent.post(
        "/complaints",
        {
            "title": "冰箱漏水",
            "description": "新买的冰箱漏水,地板泡坏了",
            "channel": "phone",
            "customer": {"name": "李四", "phone": "13912345678"},
            "type_code": "quality",
        },
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    steps = [
        (agent, "acknowledge", {"note": "已回电"}, "acknowledged"),
        (
            supervisor,
            "triage",
            {"severity": "B", "priority": "routine", "justified": True, "reason": "核实"},
            "triaged",
        ),
        (supervisor, "assign", {"department": "PROD"}, "assigned"),
        (handler, "start", {}, "investigating"),
        (handler, "propose_solution", {"solution_type": "exchange", "detail": "换新机"}, "solution_proposed"),
        (agent, "customer_response", {"accepted": True}, "solution_proposed"),
        (handler, "resolve", {"summary": "已换新机"}, "resolved"),
        (agent, "rate", {"score": 2}, "resolved"),
        (agent, "close", {}, "closed"),
        (supervisor, "review", {"approved": True}, "closed"),
        (archivist, "archive", {}, "archived"),
    ]
    version = r.json()["version"]
    for client, action, body, status in steps:
        r = client.act(number, action, {**body, "version": version})
        assert r.status_code == 200, (action, r.content)
        assert r.json()["status"] == status, action
        assert r.json()["version"] == version + 1
        version += 1

    final = agent.get(f"/complaints/{number}").json()
    assert final["owner"] == "handler"
    assert final["department"] == "PROD"
    assert final["satisfaction"] == 2
    assert final["review_state"] == "approved"
    assert final["archived_at"] is not None
    assert final["allowed_actions"] == []

    timeline = events(agent, number)
    assert [e["action"] for e in timeline] == ["create", *[action for _c, action, _b, _s in steps]]
    assert [e["actor"] for e in timeline] == ["agent", *[c.user.username for c, _a, _b, _s in steps]]
    assert [(e["from_status"], e["to_status"]) for e in timeline] == [
        (None, "new"),
        ("new", "acknowledged"),
        ("acknowledged", "triaged"),
        ("triaged", "assigned"),
        ("assigned", "investigating"),
        ("investigating", "solution_proposed"),
        ("solution_proposed", "solution_proposed"),
        ("solution_proposed", "resolved"),
        ("resolved", "resolved"),
        ("resolved", "closed"),
        ("closed", "closed"),
        ("closed", "archived"),
    ]
    times = [e["at"] for e in timeline]
    assert times == sorted(times)
    assert all(t.endswith("+08:00") for t in times)

    # Archived complaints are read-only: every action is refused, even to the administrator.
    admin = api("admin")
    good_bodies = {case.action: case.body for case in CASES}
    good_bodies.update({"merge": {"into": number, "reason": "重复"}, "link": {"to": number}, "unlink": {"to": number}})
    for action in actions.ACTIONS:
        refused(admin, number, action, good_bodies[action], 409, "read_only")


def test_customer_rejecting_the_proposal_sends_it_back_to_investigation(api, at):
    complaint = at("solution_proposed")
    r = api("agent").act(complaint.number, "customer_response", {"accepted": False, "comment": "只接受退款"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "investigating"
    assert r.json()["solution"]["accepted"] is False
    # Nothing can be resolved on a rejected proposal; a new proposal restarts the exchange.
    refused(api("handler"), complaint.number, "resolve", {"summary": "x"}, 409, "invalid_transition")
    r = api("handler").act(complaint.number, "propose_solution", {"solution_type": "refund", "detail": "全额退款"})
    assert r.status_code == 200, r.content
    assert r.json()["solution"] == {
        "solution_type": "refund",
        "detail": "全额退款",
        "compensation_amount": None,
        "accepted": None,
        "comment": "",
    }


def test_a_recorded_answer_cannot_be_recorded_twice(api, at):
    complaint = at("accepted")
    refused(api("agent"), complaint.number, "customer_response", {"accepted": False}, 409, "invalid_transition")


def test_resolve_needs_the_customers_acceptance(api, at):
    complaint = at("solution_proposed")
    refused(api("handler"), complaint.number, "resolve", {"summary": "已处理"}, 409, "invalid_transition")


@pytest.mark.parametrize("score", [4, 5])
def test_dissatisfaction_escalates_and_reopens_in_a_new_round(api, at, score):
    complaint = at("resolved")
    r = api("agent").act(complaint.number, "rate", {"score": score, "comment": "不满意"})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == "reopened"
    assert out["level"] == 2
    assert out["round"] == 2
    assert out["satisfaction"] is None
    assert out["solution"] is None
    assert "acknowledge" in out["allowed_actions"]
    # The first round is kept: its snapshot and its timeline.
    complaint.refresh_from_db()
    assert len(complaint.round_history) == 1
    first = complaint.round_history[0]
    assert first["round"] == 1
    assert first["satisfaction"] == score
    assert first["solution_type"] == "exchange"
    assert first["resolution_summary"] == "已上门换新"
    timeline = events(api("agent"), complaint.number)
    assert [e["action"] for e in timeline].count("propose_solution") == 1
    assert timeline[-1]["data"]["level"] == [1, 2]
    assert (timeline[-1]["from_status"], timeline[-1]["to_status"]) == ("resolved", "reopened")


def test_dissatisfaction_at_level_3_stays_at_level_3(api, users, at):
    complaint = at("acknowledged")
    assert api("supervisor").act(complaint.number, "triage", {"level": 3}).status_code == 200
    complaint = advance(complaint, users["admin"], "resolved")
    r = api("agent").act(complaint.number, "rate", {"score": 5})
    assert r.status_code == 200, r.content
    assert (r.json()["level"], r.json()["status"], r.json()["round"]) == (3, "reopened", 2)


def test_a_reopened_complaint_goes_round_again(api, users, at):
    complaint = at("resolved")
    api("agent").act(complaint.number, "rate", {"score": 4})
    complaint = advance(complaint, users["admin"], "rated")  # reopened → acknowledge → … → rated again
    assert complaint.round == 2
    assert complaint.satisfaction == 2
    r = api("director").act(complaint.number, "close", {})  # level 2 closed by a director: approved at once
    assert r.status_code == 200, r.content
    assert r.json()["review_state"] == "approved"


# ---------------------------------------------------------------------------------------------
# The review gate


def test_agent_closure_of_level_1_waits_for_a_supervisor_before_archiving(api, at):
    complaint = at("rated")
    r = api("agent").act(complaint.number, "close", {})
    assert r.status_code == 200, r.content
    assert r.json()["review_state"] == "pending"
    assert "archive" not in api("archivist").get(f"/complaints/{complaint.number}").json()["allowed_actions"]
    refused(api("archivist"), complaint.number, "archive", {}, 409, "invalid_transition")

    r = api("supervisor").act(complaint.number, "review", {"approved": True})
    assert r.status_code == 200, r.content
    assert r.json()["review_state"] == "approved"
    assert "archive" in api("archivist").get(f"/complaints/{complaint.number}").json()["allowed_actions"]
    assert api("archivist").act(complaint.number, "archive").json()["status"] == "archived"


def test_supervisor_closing_level_1_approves_by_closing(api, at):
    complaint = at("rated")
    r = api("supervisor").act(complaint.number, "close", {})
    assert r.status_code == 200, r.content
    assert r.json()["review_state"] == "approved"
    refused(api("supervisor"), complaint.number, "review", {"approved": True}, 409, "invalid_transition")
    assert api("archivist").act(complaint.number, "archive").status_code == 200


def test_level_2_closure_needs_a_director(api, users, at):
    complaint = at("acknowledged")
    assert api("supervisor").act(complaint.number, "triage", {"level": 2}).status_code == 200
    complaint = advance(complaint, users["admin"], "rated")
    r = api("supervisor").act(complaint.number, "close", {})
    assert r.status_code == 200, r.content
    assert r.json()["review_state"] == "pending"  # a supervisor is not senior enough for level 2
    refused(api("supervisor"), complaint.number, "review", {"approved": True}, 403, "forbidden")
    refused(api("archivist"), complaint.number, "archive", {}, 409, "invalid_transition")
    r = api("director").act(complaint.number, "review", {"approved": True})
    assert r.status_code == 200, r.content
    assert r.json()["review_state"] == "approved"
    assert events(api("director"), complaint.number)[-1]["actor"] == "director"


def test_review_sent_back_needs_a_comment_and_reopens_the_investigation(api, at):
    complaint = at("closed_pending")
    refused(api("supervisor"), complaint.number, "review", {"approved": False}, 400, "validation_error", "comment")
    r = api("supervisor").act(complaint.number, "review", {"approved": False, "comment": "未核实根因"})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == "investigating"
    assert out["review_state"] == ""
    assert out["closed_at"] is None
    last = events(api("supervisor"), complaint.number)[-1]
    assert (last["from_status"], last["to_status"]) == ("closed", "investigating")
    assert last["data"] == {"approved": False, "comment": "未核实根因"}


# ---------------------------------------------------------------------------------------------
# Individual rules


def test_reject_needs_reason_and_reply_and_marks_not_justified(api, at):
    complaint = at("acknowledged")
    agent = api("agent")
    error = refused(agent, complaint.number, "reject", {}, 400, "validation_error")
    assert set(error["fields"]) == {"reason", "reply"}
    refused(agent, complaint.number, "reject", {"reply": "已解释"}, 400, "validation_error", "reason")
    refused(agent, complaint.number, "reject", {"reason": " ", "reply": "已解释"}, 400, "validation_error", "reason")
    r = agent.act(complaint.number, "reject", {"reason": "非产品质量问题", "reply": "已向客户解释"})
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["status"], out["justified"]) == ("rejected", False)
    assert (out["reject_reason"], out["reject_reply"]) == ("非产品质量问题", "已向客户解释")
    last = events(agent, complaint.number)[-1]
    assert last["internal"] is False  # the reply goes to the customer


def test_reopening_a_rejected_complaint_clears_not_justified(api, at):
    complaint = at("rejected")
    r = api("supervisor").act(complaint.number, "reopen", {"reason": "客户补充了证据"})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["justified"], r.json()["round"]) == ("reopened", None, 2)


def test_triage_cannot_judge_not_justified(api, at):
    complaint = at("acknowledged")
    refused(api("supervisor"), complaint.number, "triage", {"justified": False}, 400, "validation_error", "justified")


def test_triage_changing_a_set_value_needs_a_reason(api, at):
    complaint = at("acknowledged")
    assert (complaint.severity, complaint.priority) == ("", "")  # nothing graded it at intake
    supervisor = api("supervisor")
    r = supervisor.act(complaint.number, "triage", {"severity": "A", "priority": "urgent"})  # first setting
    assert r.status_code == 200, r.content
    assert (r.json()["severity"], r.json()["priority"]) == ("A", "urgent")
    refused(supervisor, complaint.number, "triage", {"severity": "B"}, 400, "validation_error", "reason")
    refused(supervisor, complaint.number, "triage", {"type_code": "service"}, 400, "validation_error", "reason")
    refused(supervisor, complaint.number, "triage", {"type_code": "nope"}, 400, "validation_error", "type_code")
    r = supervisor.act(complaint.number, "triage", {"severity": "B", "reason": "损失金额核实后不足5000元"})
    assert r.status_code == 200, r.content
    assert r.json()["severity"] == "B"
    last = events(supervisor, complaint.number)[-1]
    assert last["data"]["changes"] == {"severity": ["A", "B"]}
    assert last["data"]["reason"] == "损失金额核实后不足5000元"
    # Confirming the same values again is no correction.
    assert supervisor.act(complaint.number, "triage", {"severity": "B", "priority": "urgent"}).status_code == 200


def test_assign_with_empty_body_routes_by_category_to_the_least_loaded_handler(api, users, departments, at):
    Category.objects.filter(code="quality").update(department=departments["PROD"])
    quality = Category.objects.get(code="quality")
    quality.collaborating_departments.add(departments["QA"])
    busy = users["handler"]
    idle = UserFactory(username="handler2", role="handler", departments=["PROD"])
    for _ in range(2):
        advance(make_complaint(users["agent"]), users["admin"], "assigned", owner=busy.username)
    UserFactory(username="handler_off", role="handler", departments=["PROD"], is_active=False)

    complaint = at("triaged")
    r = api("supervisor").act(complaint.number, "assign", {})
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["department"], out["owner"], out["status"]) == ("PROD", idle.username, "assigned")
    assert out["collaborators"] == ["QA"]
    last = events(api("supervisor"), complaint.number)[-1]
    assert last["data"]["routed_by"] == "matrix"


def test_assign_with_empty_body_and_no_routing_rule_names_the_department(api, at):
    complaint = at("triaged")
    refused(api("supervisor"), complaint.number, "assign", {}, 400, "validation_error", "department")


@pytest.mark.parametrize(
    ("owner", "department"),
    [
        ("archivist", None),  # no handling role
        ("handler_log", "PROD"),  # handler of another department
        ("nobody", None),  # no such user
    ],
)
def test_assign_to_an_ineligible_owner_names_the_owner(api, users, at, owner, department):
    complaint = at("triaged")
    body = {"owner": owner, **({"department": department} if department else {})}
    if department is None:
        body["department"] = "PROD"
    refused(api("supervisor"), complaint.number, "assign", body, 400, "validation_error", "owner")


def test_assign_to_an_inactive_user_names_the_owner(api, at):
    UserFactory(username="gone", role="handler", departments=["PROD"], is_active=False)
    complaint = at("triaged")
    refused(
        api("supervisor"),
        complaint.number,
        "assign",
        {"department": "PROD", "owner": "gone"},
        400,
        "validation_error",
        "owner",
    )


def test_reassignment_needs_a_reason(api, at):
    complaint = at("assigned")  # PROD / handler
    supervisor = api("supervisor")
    refused(supervisor, complaint.number, "assign", {"department": "LOG"}, 400, "validation_error", "reason")
    r = supervisor.act(complaint.number, "assign", {"department": "LOG", "reason": "实为运输破损"})
    assert r.status_code == 200, r.content
    assert (r.json()["department"], r.json()["owner"]) == ("LOG", "handler_log")
    last = events(supervisor, complaint.number)[-1]
    assert last["action"] == "reassign"
    assert last["data"]["changes"] == {"department": ["PROD", "LOG"], "owner": ["handler", "handler_log"]}
    assert last["data"]["reason"] == "实为运输破损"


def test_escalate_raises_one_level_and_refuses_beyond_3(api, at):
    complaint = at("investigating")
    handler = api("handler")
    assert handler.act(complaint.number, "escalate", {"reason": "媒体关注"}).json()["level"] == 2
    r = handler.act(complaint.number, "escalate", {"reason": "客户投诉到12315"})
    assert r.json()["level"] == 3
    assert "escalate" not in r.json()["allowed_actions"]
    refused(handler, complaint.number, "escalate", {"reason": "再升级"}, 409, "invalid_transition")


def test_pausing_or_resuming_the_clock_twice_is_refused(api, at):
    complaint = at("investigating")
    handler = api("handler")
    r = handler.act(complaint.number, "pause_clock", {"reason": "等待客户寄回样品"})
    assert r.status_code == 200, r.content
    assert r.json()["clock_paused"] is True
    refused(handler, complaint.number, "pause_clock", {"reason": "再次暂停"}, 409, "invalid_transition")
    r = handler.act(complaint.number, "resume_clock", {"reason": "样品已收到"})
    assert r.status_code == 200, r.content
    assert r.json()["clock_paused"] is False
    assert events(handler, complaint.number)[-1]["data"]["paused_seconds"] >= 0
    refused(handler, complaint.number, "resume_clock", {"reason": "再次恢复"}, 409, "invalid_transition")


def test_notes_are_internal_or_for_the_customer(api, at):
    complaint = at("investigating")
    handler = api("handler")
    assert handler.act(complaint.number, "note", {"text": "内部:怀疑批次问题", "internal": True}).status_code == 200
    assert handler.act(complaint.number, "note", {"text": "已告知客户进度", "internal": False}).status_code == 200
    notes = [e for e in events(handler, complaint.number) if e["action"] == "note"]
    assert [(n["data"]["text"], n["internal"]) for n in notes] == [
        ("内部:怀疑批次问题", True),
        ("已告知客户进度", False),
    ]
    assert all(n["from_status"] == n["to_status"] == "investigating" for n in notes)


def test_notes_are_allowed_on_closed_complaints(api, at):
    complaint = at("closed")
    r = api("agent").act(complaint.number, "note", {"text": "客户来电致谢", "internal": False})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed"


def test_whoever_starts_an_unowned_investigation_owns_it(api, users, at):
    complaint = at("triaged")
    assert api("supervisor").act(complaint.number, "assign", {"department": "QA"}).json()["owner"] == "quality"
    other = at("triaged")
    api("supervisor").act(other.number, "assign", {"department": "FIN"})  # nobody handles FIN
    r = api("agent").act(other.number, "start")
    assert r.status_code == 200, r.content
    assert r.json()["owner"] == "agent"


def test_close_without_rating_needs_a_reason(api, at):
    complaint = at("resolved")
    refused(api("supervisor"), complaint.number, "close", {}, 400, "validation_error", "reason")
    r = api("supervisor").act(complaint.number, "close", {"reason": "客户多次联系不上"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed"


def test_a_stale_version_is_reported_even_when_the_state_moved_on(api, at):
    complaint = at("new")
    assert api("agent2").act(complaint.number, "acknowledge", {"version": 1}).status_code == 200
    refused(api("agent"), complaint.number, "acknowledge", {"version": 1}, 409, "version_conflict", "version")
    # Without a version the state decides.
    refused(api("agent"), complaint.number, "acknowledge", {}, 409, "invalid_transition")
