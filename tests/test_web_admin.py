"""The Django admin: reference data is edited there; complaints, timelines and evidence are only viewed."""

import pytest

from kesu.accounts.models import ApiToken
from kesu.complaints.models import Complaint, Event
from tests.factories import token_for


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def test_admin_pages_render_with_the_product_name(admin_client, complaint):
    token_for(complaint.created_by)
    event = complaint.events.first()
    for url in [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{complaint.created_by_id}/change/",
        "/admin/accounts/department/",
        "/admin/accounts/apitoken/",
        "/admin/complaints/category/",
        "/admin/complaints/category/add/",
        "/admin/complaints/customer/",
        "/admin/complaints/complaint/",
        f"/admin/complaints/complaint/{complaint.id}/change/",
        "/admin/complaints/event/",
        f"/admin/complaints/event/{event.id}/change/",
        "/admin/complaints/attachment/",
    ]:
        r = admin_client.get(url)
        assert r.status_code == 200, url
        assert "客诉 kesu" in r.content.decode()


def test_customers_are_listed_with_masked_phones(admin_client, complaint):
    html = admin_client.get("/admin/complaints/customer/").content.decode()
    phone = complaint.customer.phone
    assert f"{phone[:3]}****{phone[-4:]}" in html
    assert phone not in html


def test_complaints_and_events_cannot_be_changed_in_the_admin(admin_client, complaint):
    assert admin_client.get("/admin/complaints/complaint/add/").status_code == 403
    r = admin_client.post(f"/admin/complaints/complaint/{complaint.id}/change/", {"title": "改了", "status": "closed"})
    assert r.status_code == 403
    assert admin_client.post(f"/admin/complaints/complaint/{complaint.id}/delete/", {"post": "yes"}).status_code == 403
    event = complaint.events.first()
    assert admin_client.post(f"/admin/complaints/event/{event.id}/delete/", {"post": "yes"}).status_code == 403
    complaint.refresh_from_db()
    assert (complaint.title, complaint.status) == ("冰箱漏水", "new")
    assert Event.objects.filter(id=event.id).exists() and Complaint.objects.filter(id=complaint.id).exists()


def test_api_tokens_are_not_created_in_the_admin(admin_client, users):
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403
    token_for(users["agent"])
    html = admin_client.get("/admin/accounts/apitoken/").content.decode()
    assert ApiToken.objects.get(user=users["agent"]).prefix in html


def test_an_agent_cannot_open_the_admin(client, users):
    client.force_login(users["agent"])
    assert client.get("/admin/").status_code == 302


def test_an_administrator_adds_a_user_with_role_and_departments(admin_client, departments):
    from kesu.accounts.models import User

    r = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newhandler",
            "display_name": "新处理人",
            "role": "handler",
            "departments": [departments["LOG"].id],
            "usable_password": "true",
            "password1": "a-long-pass-123",
            "password2": "a-long-pass-123",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    user = User.objects.get(username="newhandler")
    assert user.role == "handler" and [d.code for d in user.departments.all()] == ["LOG"]
    assert user.check_password("a-long-pass-123")
