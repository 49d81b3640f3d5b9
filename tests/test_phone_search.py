"""Search by the customer's phone (whole number or its last four digits) finds their complaints, without the
number itself in the search document, on SQLite (FTS5) and PostgreSQL (GIN)."""

import pytest
from django.db import connection

from kesu.complaints.actions import CustomerInput
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import ComplaintFilters, complaint_list
from kesu.search.documents import recompute_search_text

from .factories import make_complaint


def found(user, q: str) -> set[str]:
    return set(complaint_list(user=user, filters=ComplaintFilters(q=q)).values_list("number", flat=True))


@pytest.fixture
def calls(users):
    agent = users["agent"]
    return {
        "li": make_complaint(agent, customer=CustomerInput(name="李女士", phone="13812345678")),
        "li_again": make_complaint(
            agent, title="门封老化", customer=CustomerInput(name="李女士", phone="138-1234-5678")
        ),
        "wang": make_complaint(agent, customer=CustomerInput(name="王先生", phone="13987655678")),
        "zhao": make_complaint(agent, customer=CustomerInput(name="赵先生", phone="13700001111")),
        # An order number of eleven digits is still found by its digits.
        "order": make_complaint(
            agent, order_no="20261207001", customer=CustomerInput(name="孙先生", phone="13600002222")
        ),
    }


def test_the_whole_number_finds_the_customers_complaints(users, calls):
    n = {k: c.number for k, c in calls.items()}
    assert found(users["agent"], "13812345678") == {n["li"], n["li_again"]}
    # As it is read out or written: spaces, dashes or the country code do not matter.
    assert found(users["agent"], "138-1234-5678") == {n["li"], n["li_again"]}
    assert found(users["agent"], "+8613812345678") == {n["li"], n["li_again"]}


def test_the_last_four_digits_find_every_customer_whose_number_ends_so(users, calls):
    n = {k: c.number for k, c in calls.items()}
    assert found(users["agent"], "5678") == {n["li"], n["li_again"], n["wang"]}
    assert found(users["agent"], "1111") == {n["zhao"]}
    # Combined with a word: the right customer's complaint about that.
    assert found(users["agent"], "5678 门封") == {n["li_again"]}


def test_a_part_of_the_number_that_is_not_its_end_finds_nothing(users, calls):
    assert found(users["agent"], "1234") == set()
    assert found(users["agent"], "1381234") == set()
    assert found(users["agent"], "13812345679") == set()


def test_digits_that_are_an_order_number_still_find_the_order(users, calls):
    assert found(users["agent"], "20261207001") == {calls["order"].number}


def test_the_number_itself_is_not_in_the_search_document(users, calls):
    for c in Complaint.objects.all():
        assert "13812345678" not in c.search_text and "1381234" not in c.search_text
    with connection.cursor() as cur:
        cur.execute("SELECT search_text FROM complaints_complaint")
        assert all("13812345678" not in row[0] for row in cur.fetchall())


def test_only_complaints_in_scope_are_found(users, calls):
    # The handler of another department sees none of these complaints, by phone or otherwise.
    assert found(users["handler"], "13812345678") == set()
    assert found(users["handler"], "5678") == set()


def test_complaints_recorded_before_the_phone_was_indexed_are_found_after_the_rewrite(users, calls):
    Complaint.objects.filter(pk=calls["zhao"].pk).update(search_text="冰箱 箱漏 漏水 水")
    assert found(users["agent"], "13700001111") == set()
    assert recompute_search_text(Complaint) >= 1
    assert found(users["agent"], "13700001111") == {calls["zhao"].number}


def test_the_api_and_the_inbox_find_by_phone(api, web, users, calls):
    r = api("agent").get("/complaints", q="13812345678")
    assert r.status_code == 200
    assert {c["number"] for c in r.json()["items"]} == {calls["li"].number, calls["li_again"].number}
    html = web("agent").get("/", {"q": "5678", "tab": "all"}).content.decode()
    assert calls["wang"].number in html and calls["zhao"].number not in html
