"""Data scope (数据权限) and personal-data masking, as seen through the v1 API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kesu.accounts.models import ApiToken
from kesu.complaints import actions
from kesu.complaints.models import Category, Complaint, Event
from tests.factories import advance, make_complaint, snapshot, token_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def scoped(users, departments, api):
    """Complaints around the PROD handler: four they may see, two they may not."""
    admin = users["admin"]
    own_dept = advance(make_complaint(users["agent"], title="本部门"), admin, "assigned", department="PROD")

    Category.objects.filter(code="delivery").update(department=departments["LOG"])
    Category.objects.get(code="delivery").collaborating_departments.add(departments["PROD"])
    collaborating = make_complaint(users["agent"], title="协办", type_code="delivery")
    collaborating = advance(collaborating, admin, "triaged")
    actions.do_assign(collaborating, actor=admin, now=timezone.now())  # matrix: LOG, PROD collaborates

    owned = advance(make_complaint(users["agent"], title="本人负责"), admin, "triaged")
    actions.do_assign(owned, actor=admin, now=timezone.now(), owner="handler")  # no department, owner handler

    r = api("handler").post(
        "/complaints", {"title": "本人登记", "channel": "store", "customer": {"name": "王五", "phone": "13700001111"}}
    )
    assert r.status_code == 201, r.content
    created = r.json()["number"]

    other_dept = advance(make_complaint(users["agent"], title="物流部"), admin, "assigned", department="LOG")
    unassigned = make_complaint(users["agent"], title="未分派")
    return {
        "visible": {own_dept.number, collaborating.number, owned.number, created},
        "hidden": {other_dept.number, unassigned.number},
        "other_dept": other_dept.number,
        "unassigned": unassigned.number,
    }


def list_numbers(client, **params):
    numbers, cursor = [], None
    while True:
        r = client.get("/complaints", **params, **({"cursor": cursor} if cursor else {}))
        assert r.status_code == 200, r.content
        numbers += [c["number"] for c in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return numbers


def test_handler_sees_department_collaboration_owned_and_recorded_complaints(api, scoped):
    handler = api("handler")
    assert sorted(list_numbers(handler)) == sorted(scoped["visible"])
    for number in scoped["visible"]:
        assert handler.get(f"/complaints/{number}").status_code == 200
        assert handler.get(f"/complaints/{number}/events").status_code == 200


def test_lists_never_include_complaints_outside_the_scope(api, scoped):
    handler = api("handler")
    for params in [{}, {"department": "LOG"}, {"q": "物流部"}, {"status": "assigned,new"}, {"page_size": 1}]:
        assert not set(list_numbers(handler, **params)) & scoped["hidden"], params
    assert list_numbers(handler, department="LOG") != []  # the collaboration is LOG's complaint


def test_a_complaint_outside_the_scope_is_exactly_like_a_missing_one(api, users, scoped):
    handler = api("handler")
    hidden = sorted(scoped["hidden"])[0]
    missing = "KS-20000101-99999"

    def requests(number):
        return [
            handler.get(f"/complaints/{number}"),
            handler.get(f"/complaints/{number}/events"),
            handler.get(f"/complaints/{number}/attachments"),
            handler.get(f"/complaints/{number}/attachments/1"),
            handler.act(number, "note", {"text": "看看", "internal": True}),
            handler.act(number, "start"),
            handler.post(f"/complaints/{number}/contact/reveal"),
            handler.client.post(
                f"/api/v1/complaints/{number}/attachments",
                {"file": SimpleUploadedFile("photo.png", PNG)},
                headers=handler.headers,
            ),
        ]

    before = snapshot(hidden)
    for out_of_scope, absent in zip(requests(hidden), requests(missing), strict=True):
        assert out_of_scope.status_code == absent.status_code == 404
        assert out_of_scope.json() == {
            "error": {**absent.json()["error"], "message": absent.json()["error"]["message"].replace(missing, hidden)}
        }
        assert out_of_scope.json()["error"]["code"] == "not_found"
    assert snapshot(hidden) == before
    # …while someone whose scope includes it gets the real thing.
    assert api("agent").get(f"/complaints/{hidden}").status_code == 200


def test_org_wide_roles_see_everything(api, scoped):
    everything = scoped["visible"] | scoped["hidden"]
    for role in ["agent", "supervisor", "director", "archivist", "manager", "admin"]:
        assert set(list_numbers(api(role))) == everything, role
        for number in everything:
            assert api(role).get(f"/complaints/{number}").status_code == 200, role


def test_quality_engineer_sees_only_qa_work(api, users, scoped):
    assert list_numbers(api("quality")) == []
    qa = advance(make_complaint(users["agent"]), users["admin"], "assigned", department="QA")
    assert list_numbers(api("quality")) == [qa.number]


def test_scope_follows_department_membership(api, users, departments, scoped):
    handler = api("handler")
    assert handler.get(f"/complaints/{scoped['other_dept']}").status_code == 404
    users["handler"].departments.add(departments["LOG"])
    assert handler.get(f"/complaints/{scoped['other_dept']}").status_code == 200
    assert set(list_numbers(handler)) == scoped["visible"] | {scoped["other_dept"]}
    assert handler.get(f"/complaints/{scoped['unassigned']}").status_code == 404


def test_an_inactive_users_token_is_refused(api, users, complaint):
    client = Client()
    headers = {"Authorization": f"Bearer {token_for(users['agent2'])}"}
    assert client.get(f"/api/v1/complaints/{complaint.number}", headers=headers).status_code == 200
    users["agent2"].is_active = False
    users["agent2"].save(update_fields=["is_active"])
    r = client.get(f"/api/v1/complaints/{complaint.number}", headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"
    before = snapshot(complaint.number)
    r = client.post(
        f"/api/v1/complaints/{complaint.number}/actions/acknowledge",
        {},
        content_type="application/json",
        headers=headers,
    )
    assert r.status_code == 401
    assert snapshot(complaint.number) == before


def test_a_revoked_token_is_refused(users, complaint):
    raw = token_for(users["agent2"])
    ApiToken.objects.filter(user=users["agent2"]).update(revoked=True)
    r = Client().get(f"/api/v1/complaints/{complaint.number}", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 401


# ---------------------------------------------------------------------------------------------
# Personal data (PIPL): masked everywhere, revealed only to some roles, and every reveal is logged


@pytest.fixture
def private(api, users, departments):
    """A complaint of PROD with QA collaborating, from a customer with phone, e-mail and ID number."""
    r = api("agent").post(
        "/complaints",
        {
            "title": "热水器漏电",
            "channel": "phone",
            "customer": {
                "name": "赵六",
                "phone": "13812341234",
                "email": "zhaoliu@example.com",
                "id_number": "110101199001011234",
            },
        },
    )
    assert r.status_code == 201, r.content
    complaint = Complaint.objects.get(number=r.json()["number"])
    complaint = advance(complaint, users["admin"], "assigned", department="PROD")
    complaint.collaborators.add(departments["QA"])
    return complaint


MASKED = {"phone": "138****1234", "email": "z***@example.com", "id_number": "110101********1234"}
UNMASKED = {"phone": "13812341234", "email": "zhaoliu@example.com", "id_number": "110101199001011234"}


@pytest.mark.parametrize("role", ["agent", "handler", "quality", "archivist"])
def test_contact_details_are_masked_in_get_and_list(api, private, role):
    client = api(role)
    one = client.get(f"/complaints/{private.number}").json()["customer"]
    assert {k: one[k] for k in MASKED} == MASKED
    assert one["name"] == "赵六"
    listed = [c for c in client.get("/complaints").json()["items"] if c["number"] == private.number]
    assert {k: listed[0]["customer"][k] for k in MASKED} == MASKED
    body = client.get(f"/complaints/{private.number}").content.decode()
    for secret in UNMASKED.values():
        assert secret not in body


@pytest.mark.parametrize("role", ["agent", "supervisor", "director", "manager", "admin"])
def test_reveal_shows_full_contact_details_and_is_logged(api, private, role):
    r = api(role).post(f"/complaints/{private.number}/contact/reveal")
    assert r.status_code == 200, r.content
    assert {k: r.json()[k] for k in UNMASKED} == UNMASKED
    last = api(role).get(f"/complaints/{private.number}/events").json()[-1]
    assert (last["action"], last["actor"]) == ("reveal_contact", role)
    assert last["from_status"] == last["to_status"] == "assigned"


@pytest.mark.parametrize("role", ["handler", "quality", "archivist"])
def test_reveal_is_forbidden_to_roles_without_need_and_logs_nothing(api, private, role):
    before = Event.objects.filter(complaint=private).count()
    r = api(role).post(f"/complaints/{private.number}/contact/reveal")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    assert "13812341234" not in r.content.decode()
    assert Event.objects.filter(complaint=private).count() == before
