"""Who gets a complaint (R-RT-2): skill and area first, then the lighter load, then better past satisfaction —
the pure choice, and the same preferences seen through an empty assign."""

import pytest

from kesu.complaints.models import Complaint
from kesu.routing.choice import Candidate, choose_owner, score
from kesu.routing.models import HandlerProfile
from tests.factories import UserFactory, make_complaint


def cand(user_id, **kw):
    return Candidate(user_id=user_id, label=f"u{user_id}", **kw)


def chosen(candidates, type_code="quality", context=""):
    return choose_owner(candidates, type_code=type_code, context=context).candidate.user_id


# -- the pure choice ----------------------------------------------------------------------------


def test_nobody_to_choose_from_gives_no_owner():
    choice = choose_owner([], type_code="quality")
    assert choice.candidate is None and choice.facts == {}


def test_the_right_skill_outweighs_a_heavier_load():
    skilled = cand(1, skills=("quality",), open_load=4)
    idle = cand(2, open_load=0)
    assert chosen([idle, skilled]) == 1
    choice = choose_owner([idle, skilled], type_code="quality")
    assert choice.facts == {"open": 4, "skill": "quality"}


def test_the_skill_must_be_for_this_type():
    assert chosen([cand(1, skills=("delivery",), open_load=2), cand(2, open_load=0)]) == 2


def test_an_area_named_in_the_complaint_counts():
    local = cand(1, areas=("浦东店",), open_load=2)
    other = cand(2, areas=("徐汇店",), open_load=0)
    choice = choose_owner([other, local], type_code="quality", context="浦东店 张三")
    assert choice.candidate.user_id == 1
    assert choice.facts["area"] == "浦东店"
    assert chosen([other, local], context="静安店") == 2  # no area matches: the load decides


def test_skill_weighs_more_than_area():
    assert chosen([cand(1, areas=("浦东店",)), cand(2, skills=("quality",))], context="浦东店") == 2


def test_among_equals_the_lighter_load_wins():
    assert chosen([cand(1, open_load=3), cand(2, open_load=1), cand(3, open_load=2)]) == 2


def test_among_equal_loads_better_past_satisfaction_wins():
    # 1 = very satisfied … 5 = very dissatisfied
    pleased = cand(1, avg_satisfaction=1.5, ratings=5)
    displeased = cand(2, avg_satisfaction=4.5, ratings=5)
    unknown = cand(3)
    assert chosen([displeased, unknown, pleased]) == 1
    assert chosen([displeased, unknown]) == 3
    facts = choose_owner([pleased], type_code="quality").facts
    assert (facts["satisfaction"], facts["ratings"]) == (1.5, 5)


def test_satisfaction_needs_enough_ratings_to_count():
    lucky = cand(1, avg_satisfaction=1.0, ratings=2)  # two ratings say nothing
    assert score(lucky, type_code=None, context="")[0] == 0
    assert chosen([cand(2), lucky]) == 1  # a tie on score: the lower id (both load 0)
    assert chosen([cand(1, open_load=1, avg_satisfaction=1.0, ratings=2), cand(2)]) == 2


def test_the_load_outweighs_a_small_satisfaction_difference():
    busy_but_liked = cand(1, open_load=3, avg_satisfaction=2.5, ratings=10)  # −1.5 + 0.75
    free = cand(2, open_load=0)
    assert chosen([busy_but_liked, free]) == 2


def test_people_at_their_maximum_are_passed_over_unless_everyone_is():
    full = cand(1, skills=("quality",), open_load=5, max_open=5)
    free = cand(2, open_load=6)
    assert chosen([full, free]) == 2
    assert chosen([full, cand(3, open_load=2, max_open=2)]) == 1  # everyone full: the best of them


def test_equal_scores_fall_back_to_load_then_id():
    a = cand(7, skills=("quality",), open_load=2)  # 3 − 1 = 2
    b = cand(5, open_load=0, avg_satisfaction=1 + 2 / 3 * 1, ratings=3)  # 0 + 2.0 = 2
    assert score(a, type_code="quality", context="")[0] == pytest.approx(score(b, type_code="quality", context="")[0])
    assert chosen([a, b]) == 5  # the lighter load
    assert chosen([cand(9), cand(4)]) == 4


# -- through the API ------------------------------------------------------------------------------


@pytest.fixture
def qc(users, playbook, monday_morning):
    playbook("service")
    return {
        "qc_a": UserFactory(username="qc_a", role="handler", departments=["QC"]),
        "qc_b": UserFactory(username="qc_b", role="handler", departments=["QC"]),
    }


def give_open(user, n, actor):
    for _ in range(n):
        c = make_complaint(actor, type_code="other")
        Complaint.objects.filter(pk=c.pk).update(owner=user, department=user.departments.first(), status="assigned")


def give_rated(user, scores, actor):
    for s in scores:
        c = make_complaint(actor, type_code="other")
        Complaint.objects.filter(pk=c.pk).update(owner=user, status="closed", satisfaction=s)


def dispatch(api, scenario, **create):
    agent = api("agent")
    c = scenario.create(agent, **create)
    scenario.walk(agent, c["number"], "triaged")
    r = agent.act(c["number"], "assign", {})
    assert r.status_code == 200, r.content
    [event] = [e for e in agent.get(f"/complaints/{c['number']}/events").json() if e["action"] == "assign"]
    return r.json()["owner"], event["data"]["owner_choice"]


def test_assign_prefers_the_handler_with_the_skill(qc, users, api, scenario):
    HandlerProfile.objects.create(user=qc["qc_a"], skills=["quality"])
    give_open(qc["qc_a"], 2, users["agent"])
    owner, choice = dispatch(api, scenario)
    assert owner == "qc_a"
    assert (choice["skill"], choice["open"], choice["candidates"]) == ("quality", 2, 2)
    assert "qc_a" in choice["explanation"]


def test_assign_prefers_the_handler_covering_the_store(qc, users, api, scenario):
    HandlerProfile.objects.create(user=qc["qc_b"], areas=["浦东店"])
    give_open(qc["qc_b"], 1, users["agent"])
    owner, choice = dispatch(api, scenario, store="浦东店")
    assert (owner, choice["area"]) == ("qc_b", "浦东店")
    assert "浦东店" in choice["explanation"]


def test_assign_prefers_the_lighter_load_then_the_better_satisfaction(qc, users, api, scenario):
    give_open(qc["qc_a"], 2, users["agent"])
    give_open(qc["qc_b"], 1, users["agent"])
    owner, choice = dispatch(api, scenario)
    assert (owner, choice["open"]) == ("qc_b", 1)

    # Now both carry two open complaints; qc_b's customers were unhappy, qc_a's pleased.
    give_rated(qc["qc_a"], [1, 2, 1], users["agent"])
    give_rated(qc["qc_b"], [4, 5, 4], users["agent"])
    owner, choice = dispatch(api, scenario)
    assert owner == "qc_a"
    assert (choice["open"], choice["satisfaction"], choice["ratings"]) == (2, pytest.approx(1.33), 3)
    assert "1.33" in choice["explanation"]


def test_a_handler_at_the_maximum_is_passed_over(qc, users, api, scenario):
    HandlerProfile.objects.create(user=qc["qc_a"], skills=["quality"], max_open=1)
    give_open(qc["qc_a"], 1, users["agent"])
    give_open(qc["qc_b"], 3, users["agent"])
    owner, _choice = dispatch(api, scenario)
    assert owner == "qc_b"


def test_an_inactive_handler_is_never_chosen(qc, users, api, scenario):
    qc["qc_a"].is_active = False
    qc["qc_a"].save()
    give_open(qc["qc_b"], 5, users["agent"])
    owner, choice = dispatch(api, scenario)
    assert (owner, choice["candidates"]) == ("qc_b", 1)
