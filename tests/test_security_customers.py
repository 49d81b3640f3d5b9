"""One customer per phone, e-mail and external id: under real concurrency, and for the data already stored."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from kesu.complaints.models import Complaint, Customer
from tests.factories import UserFactory, token_for
from tests.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_concurrent_intakes_for_one_new_phone_make_one_customer(db):
    agent = UserFactory(username="race_agent", role="agent", departments=["CS"])
    headers = {"Authorization": f"Bearer {token_for(agent)}"}
    # All received at one moment (a batch from the call centre): each intake's repeats are the ones before it.
    received = (timezone.now() - dt.timedelta(minutes=10)).isoformat()

    def create(i):
        body = {
            "title": f"冰箱漏水 {i}",
            "channel": "phone",
            "product_code": "FR-100",
            "received_at": received,
            "customer": {"name": "同一位客户", "phone": "139 0000 5555"},
        }
        r = Client().post("/api/v1/complaints", body, content_type="application/json", headers=headers)
        return r.status_code, r.json()

    results = run_together(50, create)
    for result in results:
        assert not isinstance(result, Exception), result
        assert result[0] == 201, result
    assert Customer.objects.filter(phone="13900005555").count() == 1
    assert Customer.objects.count() == 1
    customer = Customer.objects.get()
    assert Complaint.objects.filter(customer=customer).count() == 50
    assert sorted(body["repeat_count"] for _status, body in results) == list(range(50))


def test_the_migration_merges_duplicate_customers_into_the_oldest(db):
    executor = MigrationExecutor(connection)
    executor.migrate([("complaints", "0004_complaint_major_round")])
    old_apps = executor.loader.project_state([("complaints", "0004_complaint_major_round")]).apps
    OldCustomer = old_apps.get_model("complaints", "Customer")
    OldComplaint = old_apps.get_model("complaints", "Complaint")
    first = OldCustomer.objects.create(name="李四", phone="13811112222", relationship="existing")
    second = OldCustomer.objects.create(name="李四", phone="13811112222", email="li@x.cn", relationship="vip")
    third = OldCustomer.objects.create(name="李先生", email="li@x.cn", company="四方")
    other = OldCustomer.objects.create(name="王五", phone="13833334444")
    now = timezone.now()
    for i, owner in enumerate([first, second, third, other]):
        OldComplaint.objects.create(
            number=f"KS-20260101-{i + 1:05d}",
            status="new",
            customer=owner,
            channel="phone",
            title="漏水",
            received_at=now,
            created_at=now,
            updated_at=now,
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(Customer.objects.values_list("id", flat=True)) == [first.id, other.id]
    survivor = Customer.objects.get(pk=first.id)
    assert (survivor.phone, survivor.email, survivor.company, survivor.relationship) == (
        "13811112222",
        "li@x.cn",
        "四方",
        "vip",
    )
    assert Complaint.objects.filter(customer=survivor).count() == 3
    assert Complaint.objects.filter(customer_id=other.id).count() == 1
