"""One customer's journey across the channels, each part real: the public API takes the complaint, the
acknowledgement leaves through a real SMTP server, the customer answers that mail, the answer threads into
the complaint, and the tracking page shows both — in the language the customer used."""

from __future__ import annotations

import email.utils
from email.message import EmailMessage

import pytest
from django.test import Client
from django.utils import timezone

from kesu.channels import addresses
from kesu.channels.mail.receiver import handle_message
from kesu.complaints.models import Complaint, Event
from tests.test_channels_outbound import body_of, deliver, smtp  # noqa: F401 (a fixture)

PHONE = "13912345670"
MAIL = "li.na@customer.example"


@pytest.fixture
def service(playbook):
    return playbook("service")


def reply_to(ack: EmailMessage, text: str) -> bytes:
    answer = EmailMessage()
    answer["From"] = f"Li Na <{MAIL}>"
    answer["To"] = ack["Reply-To"]
    answer["Subject"] = "Re: " + ack["Subject"]
    answer["Message-ID"] = email.utils.make_msgid(domain="customer.example")
    answer["In-Reply-To"] = ack["Message-ID"]
    answer["References"] = ack["Message-ID"]
    answer.set_content(f"{text}\n\nOn Monday, kesu wrote:\n> " + body_of(ack).replace("\n", "\n> "))
    return answer.as_bytes()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "greeting", "status_words"),
    [("zh-hans", "尊敬的", "我们已收到"), ("en", "Dear", "received")],
)
def test_a_complaint_from_the_public_form_is_acknowledged_answered_by_mail_and_followed_online(
    smtp,  # noqa: F811
    service,
    language,
    greeting,
    status_words,
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    answer = client.post(
        "/api/v1/public/complaints",
        {
            "name": "李娜",
            "phone": PHONE,
            "email": MAIL,
            "description": "新买的电热水壶底座漏电，手碰到有麻的感觉。",
            "product": "电热水壶 K2",
            "consent": True,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    number = answer.json()["number"]

    assert deliver().sent == 1
    [ack] = smtp.messages
    assert ack["To"] == MAIL and number in ack["Subject"]
    assert body_of(ack).lstrip().startswith(greeting)
    assert addresses.number_from_message_id(ack["Message-ID"]) == number

    outcome = handle_message(reply_to(ack, "底座的照片明天发给你们。"), now=timezone.now())
    assert Complaint.objects.count() == 1  # threaded, not a second complaint
    assert (outcome.outcome, outcome.number) == ("threaded", number)
    [message] = Event.objects.filter(complaint__number=number, action="customer_message")
    assert message.data["via"] == "email" and message.data["text"] == "底座的照片明天发给你们。"

    view = client.get(f"/api/v1/public/complaints/{number}", {"phone": PHONE})
    assert view.status_code == 200
    body = view.json()
    texts = [(m["from"], m["text"]) for m in body["messages"]]
    assert ("customer", "底座的照片明天发给你们。") in texts
    assert any(who == "company" and number in text and greeting in text for who, text in texts)
    assert status_words.lower() in body["status_text"].lower() + body["next_step"].lower()
