"""The data scope holds for everything a response carries: complaint numbers and customers' identities."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from kesu.complaints import actions
from kesu.complaints.models import Customer
from kesu.notifications.models import Notification
from tests.factories import advance, make_complaint

PHONE = "13999990001"


@pytest.fixture
def vip_case(users):
    """A customer on file (existing, with a company), and a complaint of theirs outside the PROD handler's scope."""
    customer = actions.CustomerInput(name="王建国", phone=PHONE, company="远航集团有限公司", relationship="existing")
    earlier = make_complaint(users["agent"], customer=customer, product_code="FR-100", title="冰箱不制冷")
    advance(earlier, users["admin"], "assigned", department="LOG")
    return earlier


def create_as(api, who, **customer):
    data = {
        "title": "冰箱又坏了",
        "description": "冰箱不制冷。",
        "channel": "phone",
        "product_code": "FR-100",
        "customer": {"name": "张三", "phone": PHONE, **customer},
    }
    r = api(who).post("/complaints", data)
    assert r.status_code == 201, r.content
    return r.json()


def test_the_api_timeline_leaves_out_repeats_outside_the_scope(api, vip_case):
    assert api("handler").get(f"/complaints/{vip_case.number}").status_code == 404
    mine = create_as(api, "handler")
    assert mine["repeat_count"] == 1
    created = api("handler").get(f"/complaints/{mine['number']}/events").json()[0]
    assert created["action"] == "create"
    assert created["data"]["repeat_of"] == []
    assert vip_case.number not in str(api("handler").get(f"/complaints/{mine['number']}/events").json())
    # Whoever may see the earlier complaint still sees it named.
    created = api("agent").get(f"/complaints/{mine['number']}/events").json()[0]
    assert created["data"]["repeat_of"] == [vip_case.number]


def test_recording_a_complaint_does_not_tell_a_handler_who_the_customer_is(api, vip_case):
    mine = create_as(api, "handler")
    shown = mine["customer"]
    assert "王建国" not in str(mine) and "远航" not in str(mine)
    assert shown["name"] == "王**" and shown["company"] == "" and shown["relationship"] == ""
    again = api("handler").get(f"/complaints/{mine['number']}").json()
    assert "王建国" not in str(again) and "远航" not in str(again)
    listed = api("handler").get("/complaints").json()["items"]
    assert mine["number"] in [c["number"] for c in listed]
    assert "王建国" not in str(listed) and "远航" not in str(listed)
    events = api("handler").get(f"/complaints/{mine['number']}/events").json()
    assert "王建国" not in str(events)
    # The org-wide roles see who it is.
    assert api("agent").get(f"/complaints/{mine['number']}").json()["customer"]["name"] == "王建国"


def test_a_handler_sees_the_customer_of_a_complaint_in_their_department(api, users, vip_case):
    mine = create_as(api, "handler")
    from kesu.complaints.models import Complaint

    advance(Complaint.objects.get(number=mine["number"]), users["admin"], "assigned", department="PROD")
    assert api("handler").get(f"/complaints/{mine['number']}").json()["customer"]["name"] == "王建国"


def test_a_handler_who_records_a_new_customer_sees_them(api):
    r = api("handler").post(
        "/complaints",
        {"title": "漏水", "channel": "phone", "customer": {"name": "赵六", "phone": "13700000077", "company": "六合"}},
    )
    assert r.status_code == 201, r.content
    assert (r.json()["customer"]["name"], r.json()["customer"]["company"]) == ("赵六", "六合")


def test_intake_by_a_handler_never_overwrites_the_stored_customer(api, vip_case):
    before = Customer.objects.values().get(phone=PHONE)
    mine = create_as(api, "handler", relationship="vip", company="别的公司", name="假名")
    after = Customer.objects.values().get(phone=PHONE)
    assert after["relationship"] == "existing" and after["name"] == "王建国" and after["company"] == "远航集团有限公司"
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    actions_seen = [e["action"] for e in api("agent").get(f"/complaints/{mine['number']}/events").json()]
    assert "customer_updated" not in actions_seen


def test_an_agent_may_change_the_relationship_and_the_timeline_says_so(api, vip_case):
    mine = create_as(api, "agent", relationship="vip")
    assert Customer.objects.get(phone=PHONE).relationship == "vip"
    events = api("agent").get(f"/complaints/{mine['number']}/events").json()
    change = [e for e in events if e["action"] == "customer_updated"]
    assert len(change) == 1
    assert change[0]["actor"] == "agent"
    assert change[0]["data"]["changes"]["relationship"] == ["existing", "vip"]


def test_the_web_lookup_shows_only_customers_the_user_may_know(users, vip_case):
    handler = Client()
    handler.force_login(users["handler"])
    r = handler.get("/customers/lookup", {"phone": PHONE})
    assert r.status_code == 200
    page = r.content.decode()
    assert "王建国" not in page and "远航" not in page and vip_case.number not in page
    agent = Client()
    agent.force_login(users["agent"])
    assert "王建国" in agent.get("/customers/lookup", {"phone": PHONE}).content.decode()


def test_the_web_complaint_page_masks_a_customer_outside_the_scope(api, users, vip_case):
    mine = create_as(api, "handler")
    handler = Client()
    handler.force_login(users["handler"])
    page = handler.get(f"/complaints/{mine['number']}").content.decode()
    assert mine["number"] in page
    assert "王建国" not in page and "远航" not in page and vip_case.number not in page


def test_notifications_about_complaints_outside_the_scope_are_not_listed(api, users, vip_case):
    mine = create_as(api, "handler")
    from kesu.complaints.models import Complaint

    for number in (vip_case.number, mine["number"]):
        Notification.objects.create(
            user=users["handler"],
            complaint=Complaint.objects.get(number=number),
            kind="test",
            title="提醒",
            key=f"test:{number}",
            created_at=timezone.now(),
        )
    listed = api("handler").get("/notifications").json()["items"]
    assert [n["complaint"] for n in listed if n["kind"] == "test"] == [mine["number"]]
    assert vip_case.number not in str(listed)


def test_the_web_inbox_masks_a_customer_outside_the_scope(api, users, vip_case):
    mine = create_as(api, "handler")
    handler = Client()
    handler.force_login(users["handler"])
    page = handler.get("/", {"tab": "all"}).content.decode()
    assert mine["number"] in page
    assert "王建国" not in page and "王**" in page


def test_contacts_a_new_complaint_adds_to_the_record_are_named_in_words_and_not_shown_on_the_timeline(
    api, web, vip_case
):
    """The e-mail and ID number the caller gives now are filled in on the customer's record, whole; the timeline — read
    by roles that see contacts only masked, also through the API — says which fields changed, in words, not to what."""
    mine = create_as(api, "agent", email="wangjg@example.com", id_number="110101199001011234", relationship="vip")
    stored = Customer.objects.get(phone=PHONE)
    assert (stored.email, stored.id_number) == ("wangjg@example.com", "110101199001011234")

    events = api("agent").get(f"/complaints/{mine['number']}/events").json()
    changes = next(e for e in events if e["action"] == "customer_updated")["data"]["changes"]
    assert changes["email"] == ["", "***"] and changes["id_number"] == ["", "***"]
    assert changes["relationship"] == ["existing", "vip"]

    page = web("agent").get(f"/complaints/{mine['number']}").content.decode()
    timeline = page[page.index('id="sec-timeline"') :]
    assert "wangjg@example.com" not in timeline and "110101199001011234" not in timeline
    assert re.search(r"电子邮箱</dt><dd[^>]*>— → \*\*\*<", timeline.replace(":", "").replace("：", ""))
    assert re.search(r"客户关系</dt><dd[^>]*>老客户 → VIP", timeline.replace(":", "").replace("：", ""))
    assert "Relationship" not in timeline and "Id number" not in timeline
