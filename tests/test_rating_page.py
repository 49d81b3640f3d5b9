"""The customer's rating page speaks for the company and in the customer's words, and every link in a message
starts with the address the organisation configured (issue 17, item 1)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from kesu.channels.links import track_url
from kesu.channels.outbound.services import rate_url
from kesu.core import links
from kesu.core.models import Organization
from kesu.followup import services as followup
from kesu.notifications.messages import complaint_url
from tests.factories import advance, make_complaint

pytestmark = pytest.mark.django_db

INTERNAL_TITLE = "冰箱漏水，客户说要打12315"


@pytest.fixture
def org():
    org = Organization.objects.first() or Organization.objects.create(name="x", complaint_prefix="KS")
    org.name = "海川电器有限公司"
    org.save()
    return org


@pytest.fixture
def resolved(users):
    c = make_complaint(users["agent"], title=INTERNAL_TITLE, product="双门冰箱 BCD-520")
    return advance(c, users["admin"], "resolved")


def test_the_rating_page_names_the_company_and_not_the_internal_title(client, org, resolved):
    html = client.get(f"/rate/{followup.rating_token(resolved)}").content.decode()
    assert re.search(r'id="rate-company">海川电器有限公司<', html)
    assert INTERNAL_TITLE not in html and "12315" not in html
    summary = re.search(r'id="rate-summary">([^<]+)<', html).group(1)
    assert "双门冰箱 BCD-520" in summary and resolved.number in html
    # The scale is explained in the customer's words (seed 001 keeps 1 = 非常满意).
    assert "1 表示非常满意" in html or "1 means you are very satisfied" in html


def test_the_tracking_page_does_not_show_the_internal_title_either(client, org, resolved):
    from kesu.channels.links import track_token

    html = client.get(reverse("web:track_link", args=[track_token(resolved)])).content.decode()
    assert INTERNAL_TITLE not in html and "双门冰箱 BCD-520" in html


def test_links_in_messages_start_with_the_configured_public_address(web, org, resolved, users):
    org.public_base_url = "https://kefu.example.com:8443/"
    org.save()
    assert links.base_url() == "https://kefu.example.com:8443"
    assert complaint_url(resolved.number) == f"https://kefu.example.com:8443/complaints/{resolved.number}"
    # The rating link staff copy from the complaint page …
    r = web("agent").post(f"/complaints/{resolved.number}/rating-link")
    url = re.search(r'id="rating-link-url" type="text" value="([^"]+)"', r.content.decode()).group(1)
    assert url.startswith("https://kefu.example.com:8443/rate/")
    # … the one the resolution message carries, and the tracking link in every message.
    assert rate_url(resolved).startswith("https://kefu.example.com:8443/rate/")
    assert track_url(resolved).startswith("https://kefu.example.com:8443/t/")
    # Emptied again, the server's setting rules.
    org.public_base_url = ""
    org.save()
    assert links.base_url() == settings.KESU_BASE_URL


def test_without_configuration_links_follow_the_port_the_server_binds():
    env = {k: v for k, v in os.environ.items() if k != "KESU_BASE_URL"}
    env.update({"PORT": "8765", "HOST": "0.0.0.0", "DJANGO_SETTINGS_MODULE": "kesu.settings"})
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.KESU_BASE_URL)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "http://127.0.0.1:8765"


def test_the_admin_shows_where_links_point(web, org):
    org.public_base_url = "https://kefu.example.com"
    org.save()
    html = web("admin").get(reverse("admin:core_organization_change", args=[org.pk])).content.decode()
    assert "https://kefu.example.com" in html and 'name="public_base_url"' in html
