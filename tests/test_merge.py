"""Merging duplicates and linking complaints, through the v1 API as other systems and agents use it."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Attachment, Complaint, ComplaintLink
from kesu.sla.models import Deadline
from tests.factories import advance, make_complaint, snapshot

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def events(client, number):
    r = client.get(f"/complaints/{number}/events")
    assert r.status_code == 200, r.content
    return r.json()


def upload(client, number, name="leak.png"):
    r = client.client.post(
        f"/api/v1/complaints/{number}/attachments",
        {"file": SimpleUploadedFile(name, PNG, content_type="image/png"), "source": "customer"},
        headers=client.headers,
    )
    assert r.status_code == 201, r.content
    return r.json()


@pytest.fixture
def pair(scenario, api):
    """The same customer's leak, told by phone (the duplicate) and again by e-mail (the survivor)."""
    agent = api("agent")
    survivor = scenario.create(agent, title="冰箱漏水,第二次来电", channel="email")
    duplicate = scenario.create(agent, title="冰箱漏水", description="冰箱一直漏水,地板泡了。")
    return agent, duplicate["number"], survivor["number"]


def test_a_merge_leaves_the_duplicate_merged_and_its_messages_and_evidence_on_the_survivor(pair, api):
    agent, dup, surv = pair
    assert agent.act(dup, "note", {"text": "客户说漏水从周一开始", "internal": True}).status_code == 200
    assert agent.act(dup, "note", {"text": "已告知客户明天上门", "internal": False}).status_code == 200
    upload(agent, dup)

    r = agent.act(dup, "merge", {"into": surv, "reason": "同一客户同一台冰箱,电话和邮件各报一次"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "merged"
    assert body["merged_into"] == surv
    assert body["allowed_actions"] == []
    assert {"number": surv, "kind": "duplicate", "direction": "out", "status": "new"} in body["links"]
    assert all(d["met_at"] is None and d["stopped"] for d in body["deadlines"] if not d["met_at"])

    survivor = agent.get(f"/complaints/{surv}").json()
    assert {"number": dup, "kind": "duplicate", "direction": "in", "status": "merged"} in survivor["links"]
    timeline = events(agent, surv)
    merged_in = [e for e in timeline if e["action"] == "merged_in"]
    assert len(merged_in) == 1
    assert merged_in[0]["data"]["from"] == dup and merged_in[0]["data"]["description"] == "冰箱一直漏水,地板泡了。"
    copies = [e for e in timeline if e["action"] == "merged_message"]
    assert [c["data"]["text"] for c in copies] == ["客户说漏水从周一开始", "已告知客户明天上门"]
    assert all(c["data"]["from"] == dup and c["data"]["original_action"] == "note" for c in copies)
    # The public note stays public on the survivor (the customer's conversation), the internal one internal.
    assert [c["internal"] for c in copies] == [True, False]
    files = agent.get(f"/complaints/{surv}/attachments").json()
    assert [f["name"] for f in files] == ["leak.png"]
    copy = Attachment.objects.get(complaint__number=surv)
    assert copy.merged_from.number == dup
    download = agent.client.get(files[0]["download_url"], headers=agent.headers)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG

    dup_timeline = events(agent, dup)
    assert dup_timeline[-1]["action"] == "merge"
    assert dup_timeline[-1]["to_status"] == "merged" and dup_timeline[-1]["data"]["into"] == surv


def test_a_merged_complaint_is_read_only(pair):
    agent, dup, surv = pair
    assert agent.act(dup, "merge", {"into": surv, "reason": "重复"}).status_code == 200
    before = snapshot(dup)
    r = agent.act(dup, "note", {"text": "再记一笔", "internal": True})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "read_only" and surv in r.json()["error"]["message"]
    r = agent.client.post(
        f"/api/v1/complaints/{dup}/attachments",
        {"file": SimpleUploadedFile("x.png", PNG, content_type="image/png")},
        headers=agent.headers,
    )
    assert r.status_code == 409
    assert agent.act(dup, "merge", {"into": surv, "reason": "again"}).status_code == 409
    assert snapshot(dup) == before


@pytest.mark.parametrize(
    ("case", "status", "field"),
    [
        ("itself", 400, "into"),
        ("unknown", 400, "into"),
        ("no_reason", 400, "reason"),
        ("merged", 409, "into"),
        ("archived", 409, "into"),
        ("closed", 409, "into"),
        ("stale", 409, "version"),
    ],
)
def test_refused_merges_change_nothing(pair, users, case, status, field):
    agent, dup, surv = pair
    body = {"into": surv, "reason": "重复投诉"}
    if case == "itself":
        body["into"] = dup
    elif case == "unknown":
        body["into"] = "KS-19990101-00001"
    elif case == "no_reason":
        body["reason"] = "  "
    elif case == "merged":
        third = make_complaint(users["agent"]).number
        assert agent.act(surv, "merge", {"into": third, "reason": "先合并"}).status_code == 200
    elif case in ("archived", "closed"):
        advance(Complaint.objects.get(number=surv), users["admin"], case)
    elif case == "stale":
        body["version"] = 99
    before_dup, before_surv = snapshot(dup), snapshot(surv)
    links = list(ComplaintLink.objects.values_list("from_complaint_id", "to_complaint_id", "kind"))
    r = agent.act(dup, "merge", body)
    assert r.status_code == status, r.content
    assert field in r.json()["error"].get("fields", {}), r.json()
    assert snapshot(dup) == before_dup
    assert snapshot(surv) == before_surv
    assert list(ComplaintLink.objects.values_list("from_complaint_id", "to_complaint_id", "kind")) == links


def test_only_the_front_desk_merges(pair, api):
    _agent, dup, surv = pair
    before = snapshot(dup)
    r = api("quality").act(dup, "merge", {"into": surv, "reason": "重复"})
    assert r.status_code in (403, 404)
    assert snapshot(dup) == before


def test_the_survivor_keeps_the_earlier_first_response_deadline(playbook, api, users, scenario):
    playbook("manufacturing")
    agent = api("agent")
    now = timezone.now()
    early = scenario.create(agent, received_at=(now - dt.timedelta(minutes=10)).isoformat())
    late = scenario.create(agent, title="又打电话来说冰箱漏水")
    due = {
        n: Deadline.objects.get(complaint__number=n, clock="first_response").due_at
        for n in (early["number"], late["number"])
    }
    assert due[early["number"]] < due[late["number"]]

    r = agent.act(early["number"], "merge", {"into": late["number"], "reason": "同一件事"})
    assert r.status_code == 200, r.content
    survivor = agent.get(f"/complaints/{late['number']}").json()
    first = next(d for d in survivor["deadlines"] if d["clock"] == "first_response")
    assert abs(dt.datetime.fromisoformat(first["due_at"]) - due[early["number"]]) < dt.timedelta(milliseconds=1)
    assert Deadline.objects.get(complaint__number=late["number"], clock="first_response").due_at == due[early["number"]]
    assert Complaint.objects.get(number=late["number"]).next_due_at <= due[early["number"]]
    merged_in = next(e for e in events(agent, late["number"]) if e["action"] == "merged_in")
    assert "first_response" in [d["clock"] for d in merged_in["data"]["earlier_deadlines"]]
    assert not Deadline.objects.filter(
        complaint__number=early["number"], met_at__isnull=True, cancelled_at__isnull=True
    ).exists()


def test_links_show_both_ways_and_can_be_removed(scenario, api):
    agent = api("agent")
    a = scenario.create(agent, title="第一次投诉:冰箱漏水")["number"]
    b = scenario.create(agent, title="回访后又投诉:冰箱仍漏水")["number"]
    r = agent.act(b, "link", {"to": a, "kind": "follow_up"})
    assert r.status_code == 200, r.content
    assert r.json()["links"] == [{"number": a, "kind": "follow_up", "direction": "out", "status": "new"}]
    assert agent.get(f"/complaints/{a}").json()["links"] == [
        {"number": b, "kind": "follow_up", "direction": "in", "status": "new"}
    ]
    assert events(agent, b)[-1]["action"] == "link" and events(agent, b)[-1]["data"]["to"] == a
    assert events(agent, a)[-1]["action"] == "link" and events(agent, a)[-1]["data"]["from"] == b

    # One link per pair, whichever side it is made from.
    r = agent.act(a, "link", {"to": b, "kind": "related"})
    assert r.status_code == 409 and "to" in r.json()["error"]["fields"]
    r = agent.act(a, "link", {"to": b, "kind": "cousin"})
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]

    listed = agent.get(f"/complaints/{a}/links").json()
    assert [(row["number"], row["removable"]) for row in listed] == [(b, True)]
    items = {c["number"]: c for c in agent.get("/complaints").json()["items"]}
    assert items[a]["links"][0]["number"] == b and items[b]["links"][0]["number"] == a

    r = agent.act(a, "unlink", {"to": b})
    assert r.status_code == 200, r.content
    assert r.json()["links"] == [] and agent.get(f"/complaints/{b}").json()["links"] == []
    assert events(agent, b)[-1]["action"] == "unlink"
    assert agent.act(a, "unlink", {"to": b}).status_code == 400

    assert agent.act(a, "link", {"to": b}).status_code == 200  # kind defaults to related
    r = agent.client.delete(f"/api/v1/complaints/{b}/links/{a}", headers=agent.headers)
    assert r.status_code == 200 and r.json() == []


def test_a_complaint_outside_the_scope_cannot_be_linked_or_named(api, users):
    mine = advance(make_complaint(users["agent"]), users["admin"], "assigned", department="PROD")
    other = advance(make_complaint(users["agent"]), users["admin"], "assigned", department="LOG")
    handler = api("handler")
    before = snapshot(mine.number)
    r = handler.act(mine.number, "link", {"to": other.number, "kind": "related"})
    assert r.status_code == 400
    assert "to" in r.json()["error"]["fields"]
    assert snapshot(mine.number) == before
    # Linked by someone who sees both: the handler sees no trace of the other complaint.
    assert api("agent").act(mine.number, "link", {"to": other.number}).status_code == 200
    assert handler.get(f"/complaints/{mine.number}").json()["links"] == []
    assert handler.get(f"/complaints/{mine.number}/links").json() == []
    link_event = events(handler, mine.number)[-1]
    assert link_event["action"] == "link" and link_event["data"]["to"] is None


def test_repeats_found_at_intake_stay_and_show_as_links(api, users):
    first = make_complaint(users["agent"], product_code="BCD-520", customer=_customer("13800001111"))
    second = make_complaint(users["agent"], product_code="BCD-520", customer=_customer("13800001111"))
    assert second.repeat_count == 1
    links = api("agent").get(f"/complaints/{second.number}").json()["links"]
    assert links == [{"number": first.number, "kind": "repeat", "direction": "both", "status": "new"}]


def _customer(phone):
    return actions.CustomerInput(name="王芳", phone=phone, kind="consumer")


def test_suggested_duplicates_for_a_complaint_and_while_recording(api, users):
    agent = api("agent")
    same_customer = make_complaint(users["agent"], customer=_customer("13911112222"), title="洗衣机异响")
    same_batch = make_complaint(users["agent"], batch_no="LOT-2611-07", title="包装破损")
    similar = make_complaint(users["agent"], title="空调外机噪音很大", description="空调外机噪音很大,晚上睡不着")
    unrelated = make_complaint(users["agent"], title="发票开错了", description="发票抬头写错")
    new = make_complaint(
        users["agent"],
        customer=_customer("13911112222"),
        batch_no="LOT-2611-07",
        title="空调外机噪音很大",
        description="外机噪音很大",
    )
    r = agent.get(f"/complaints/{new.number}/duplicates")
    assert r.status_code == 200, r.content
    found = {s["number"]: s for s in r.json()["items"]}
    assert set(found) >= {same_customer.number, same_batch.number, similar.number}
    assert unrelated.number not in found and new.number not in found
    assert "customer" in found[same_customer.number]["reasons"]
    assert "batch_no" in found[same_batch.number]["reasons"]
    assert "text" in found[similar.number]["reasons"]

    r = agent.get("/duplicates", phone="139 1111 2222")
    assert {s["number"] for s in r.json()["items"]} == {same_customer.number, new.number}
    assert agent.get("/duplicates").status_code == 400
    # A merged complaint is never offered: its survivor is.
    assert agent.act(same_customer.number, "merge", {"into": new.number, "reason": "重复"}).status_code == 200
    assert {s["number"] for s in agent.get("/duplicates", phone="13911112222").json()["items"]} == {new.number}


def test_suggestions_stay_inside_the_data_scope(api, users):
    theirs = advance(make_complaint(users["agent"], batch_no="LOT-9"), users["admin"], "assigned", department="LOG")
    mine = advance(make_complaint(users["agent"], batch_no="LOT-9"), users["admin"], "assigned", department="PROD")
    found = api("handler").get(f"/complaints/{mine.number}/duplicates").json()["items"]
    assert theirs.number not in {s["number"] for s in found}
    assert theirs.number in {
        s["number"] for s in api("agent").get(f"/complaints/{mine.number}/duplicates").json()["items"]
    }
