"""manage.py create_user and issue_token, as an administrator uses them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kesu.accounts.models import ApiToken, Department, User


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_create_user_makes_a_handler_in_a_department(db):
    output = run("create_user", "bob", role="handler", department=["QA"], password="s3cret-pass")
    user = User.objects.get(username="bob")
    assert user.role == "handler"
    assert [d.code for d in user.departments.all()] == ["QA"]
    assert user.check_password("s3cret-pass")
    assert user.is_active and not user.is_staff
    assert "bob" in output
    assert "s3cret-pass" not in output


def test_create_user_joins_existing_departments_and_several(db):
    Department.objects.create(code="PROD", name="生产部")
    run("create_user", "carol", role="quality", department=["prod", "QA"], password="s3cret-pass")
    assert sorted(User.objects.get(username="carol").departments.values_list("code", flat=True)) == ["PROD", "QA"]
    assert Department.objects.get(code="PROD").name == "生产部"


def test_create_user_without_password_prints_a_generated_one(db):
    output = run("create_user", "dave", role="agent")
    password = output.strip().splitlines()[-1].split(": ", 1)[1]
    assert User.objects.get(username="dave").check_password(password)


def test_create_user_admin_gets_the_admin_site(db):
    run("create_user", "root", role="admin", password="s3cret-pass")
    user = User.objects.get(username="root")
    assert user.is_staff and user.is_superuser


def test_create_user_updates_an_existing_user(db):
    run("create_user", "erin", role="agent", password="s3cret-pass")
    run("create_user", "erin", role="supervisor", department=["CS"], password="n3w-password")
    user = User.objects.get(username="erin")
    assert (user.role, user.check_password("n3w-password")) == ("supervisor", True)
    assert User.objects.filter(username="erin").count() == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"role": "boss"}, "role"),
        ({"role": "handler", "password": "short"}, "password"),
    ],
)
def test_create_user_refuses_bad_input_and_creates_nothing(db, options, message):
    with pytest.raises(CommandError, match=message):
        run("create_user", "mallory", **options)
    assert not User.objects.filter(username="mallory").exists()


def test_create_user_requires_a_role(db):
    with pytest.raises(CommandError, match="role"):
        run("create_user", "mallory")
    assert not User.objects.filter(username="mallory").exists()


def test_issue_token_prints_a_token_that_authenticates(db):
    run("create_user", "bob", role="agent", password="s3cret-pass")
    output = run("issue_token", "bob")
    token = output.strip().splitlines()[-1]
    r = Client().get("/api/v1/complaints", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.content
    # Only the hash is stored; a second token is a different one and both work.
    assert not ApiToken.objects.filter(token_hash=token).exists()
    second = run("issue_token", "bob").strip().splitlines()[-1]
    assert second != token
    assert Client().get("/api/v1/complaints", headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_issue_token_refuses_unknown_and_inactive_users(db):
    with pytest.raises(CommandError, match="nobody"):
        run("issue_token", "nobody")
    run("create_user", "gone", role="agent", password="s3cret-pass")
    User.objects.filter(username="gone").update(is_active=False)
    with pytest.raises(CommandError):
        run("issue_token", "gone")
    assert not ApiToken.objects.exists()
