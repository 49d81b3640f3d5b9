"""The case library (R-REP-4, seed 004 案例分析): closed complaints marked as teaching cases, searchable."""

import pytest

from kesu.cases.models import Case
from kesu.complaints.models import Event
from tests.factories import advance, make_complaint, snapshot

pytestmark = pytest.mark.django_db

BODY = {"title": "漏水冰箱的换新处理", "lesson": "先上门确认再承诺换新,避免二次投诉。", "tags": ["换新", "上门"]}


@pytest.fixture
def closed(users):
    return advance(make_complaint(users["agent"]), users["admin"], "closed", department="PROD", owner="handler")


def test_supervisor_marks_a_closed_complaint_as_a_case(users, api, closed):
    r = api("supervisor").post(f"/complaints/{closed.number}/case", BODY)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["complaint"], body["title"], body["lesson"], body["tags"]) == (
        closed.number,
        BODY["title"],
        BODY["lesson"],
        ["换新", "上门"],
    )
    assert body["type_code"] == "quality"
    event = Event.objects.get(complaint=closed, action="case_marked")
    assert event.actor == users["supervisor"]
    assert event.data["title"] == BODY["title"]


def test_marking_again_edits_the_one_case(users, api, closed):
    api("supervisor").post(f"/complaints/{closed.number}/case", BODY)
    r = api("director").post(f"/complaints/{closed.number}/case", {**BODY, "title": "改过的标题", "tags": []})
    assert r.status_code == 200
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert (case.title, case.tags, case.created_by, case.updated_by) == (
        "改过的标题",
        [],
        users["supervisor"],
        users["director"],
    )
    assert Event.objects.filter(complaint=closed, action="case_updated").count() == 1


def test_an_archived_complaint_can_become_a_case(users, api):
    archived = advance(make_complaint(users["agent"]), users["admin"], "archived")
    assert api("archivist").post(f"/complaints/{archived.number}/case", BODY).status_code == 201


@pytest.mark.parametrize("stop", ["acknowledged", "resolved", "rejected"])
def test_a_complaint_still_open_or_rejected_is_a_conflict(users, api, stop):
    complaint = advance(make_complaint(users["agent"]), users["admin"], stop)
    before = snapshot(complaint.number)
    r = api("supervisor").post(f"/complaints/{complaint.number}/case", BODY)
    assert r.status_code == 409
    assert not Case.objects.exists()
    assert snapshot(complaint.number) == before


@pytest.mark.parametrize("missing", ["title", "lesson"])
def test_title_and_lesson_are_required(users, api, closed, missing):
    before = snapshot(closed.number)
    for value in (None, "", "   "):
        body = {**BODY, missing: value} if value is not None else {k: v for k, v in BODY.items() if k != missing}
        r = api("supervisor").post(f"/complaints/{closed.number}/case", body)
        assert r.status_code == 400, r.content
        assert list(r.json()["error"]["fields"]) == [missing]
    assert not Case.objects.exists()
    assert snapshot(closed.number) == before


def test_bad_tags_and_unknown_fields_are_refused(users, api, closed):
    url = f"/complaints/{closed.number}/case"
    assert "tags" in api("supervisor").post(url, {**BODY, "tags": "换新"}).json()["error"]["fields"]
    assert "tags" in api("supervisor").post(url, {**BODY, "tags": ["x" * 41]}).json()["error"]["fields"]
    assert "story" in api("supervisor").post(url, {**BODY, "story": "?"}).json()["error"]["fields"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("role", ["agent", "handler"])
def test_roles_that_may_not_choose_cases(users, api, closed, role):
    before = snapshot(closed.number)
    r = api(role).post(f"/complaints/{closed.number}/case", BODY)
    assert r.status_code == 403
    assert not Case.objects.exists()
    assert snapshot(closed.number) == before


def test_out_of_scope_or_missing_complaint_is_not_found(users, api, closed):
    assert api("quality").post(f"/complaints/{closed.number}/case", BODY).status_code == 404
    assert api("supervisor").post("/complaints/KS-19990101-00001/case", BODY).status_code == 404
    assert not Case.objects.exists()


def _library(users, api):
    agent, admin = users["agent"], users["admin"]
    fridge = advance(make_complaint(agent), admin, "closed")
    late = advance(make_complaint(agent, title="快递三天未到", type_code="delivery"), admin, "closed", department="LOG")
    api("supervisor").post(f"/complaints/{fridge.number}/case", BODY)
    api("supervisor").post(
        f"/complaints/{late.number}/case",
        {"title": "延误派送", "lesson": "及时告知客户物流进度", "tags": ["物流"]},
    )
    return fridge, late


def test_search_looks_in_title_lesson_tags_and_type(users, api):
    fridge, late = _library(users, api)
    client = api("agent")

    def found(**params):
        return [i["complaint"] for i in client.get("/cases", **params).json()["items"]]

    assert found() == [late.number, fridge.number]
    assert found(q="换新") == [fridge.number]  # title and tag
    assert found(q="物流进度") == [late.number]  # lesson
    assert found(q="上门") == [fridge.number]
    assert found(q="delivery") == [late.number]  # the complaint's type
    assert found(q="物流") == [late.number]
    assert found(q="售后") == []
    assert found(type_code="quality") == [fridge.number]
    assert found(tag="物流") == [late.number]
    assert found(tag="物") == []  # a tag filter is the whole tag
    item = client.get("/cases", q="延误").json()["items"][0]
    assert set(item) >= {"complaint", "title", "lesson", "tags"}


def test_every_staff_user_reads_the_library_numbers_only_in_scope(users, api):
    _fridge, late = _library(users, api)
    items = api("handler_log").get("/cases").json()["items"]
    assert [i["title"] for i in items] == ["延误派送", BODY["title"]]
    # The LOG handler sees the delivery complaint (their department) but not the fridge one.
    assert [i["complaint"] for i in items] == [late.number, None]
