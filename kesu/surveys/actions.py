"""Every change to a survey, one function each: lock → check → change → side effects after commit.

do_create_survey / do_update_survey (plan and questionnaire, while a draft), do_draw (target customers from the
archive by group and quota), do_send (personal links by e-mail or SMS; opens a draft), do_open, do_close,
do_mark_opened, do_answer (one response per personal link; the public link for anonymous surveys), and
remind_due (the worker's reminders to those who have not answered)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from kesu.accounts.roles import Role
from kesu.channels import addresses
from kesu.complaints.models import Complaint, Customer
from kesu.complaints.models.customer import CustomerKind
from kesu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from kesu.notifications import delivery
from kesu.notifications.models import Channel

from . import links, questionnaire
from .models import Question, Recipient, Response, Survey, SurveyStatus, TargetGroup

# Who builds, sends and reads surveys (the 管理者代表 and the customer-service lead: supervisor and above).
MANAGE_ROLES = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER, Role.ADMIN})
MAX_GROUPS = 20
MAX_QUOTA = 10_000


def may_manage(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in MANAGE_ROLES)


def check_manager(user) -> None:
    if not may_manage(user):
        raise Forbidden(_("Only supervisors and above may manage satisfaction surveys."))


def access_survey(user, survey_id: int, *, lock: bool = False) -> Survey:
    check_manager(user)
    qs = Survey.objects.select_for_update() if lock else Survey.objects
    survey = qs.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("No such survey."))
    return survey


# ── plan and questionnaire ──────────────────────────────────────────────────────────────────────────


def clean_groups(raw: Any) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise ValidationFailed(_("The target groups are a list."), field="groups")
    if len(raw) > MAX_GROUPS:
        raise ValidationFailed(_("At most %(n)s target groups.") % {"n": MAX_GROUPS}, field="groups")
    kinds = {k.value for k in CustomerKind}
    errors: dict[str, list[str]] = {}
    groups = []
    for i, item in enumerate(raw):
        base = f"groups.{i}"
        if not isinstance(item, dict):
            errors[base] = [_("A target group is an object with kind, region, product and quota.")]
            continue
        kind = str(item.get("kind") or "").strip()
        region = str(item.get("region") or "").strip()
        product = str(item.get("product") or "").strip()
        quota = item.get("quota")
        if kind and kind not in kinds:
            errors[f"{base}.kind"] = [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(sorted(kinds))}]
        if len(region) > 100:
            errors[f"{base}.region"] = [_("At most 100 characters.")]
        if len(product) > 100:
            errors[f"{base}.product"] = [_("At most 100 characters.")]
        if isinstance(quota, str) and quota.strip().isdigit():
            quota = int(quota)
        if isinstance(quota, bool) or not isinstance(quota, int) or not 1 <= quota <= MAX_QUOTA:
            errors[f"{base}.quota"] = [_("A quota from 1 to %(max)s is required.") % {"max": MAX_QUOTA}]
        groups.append({"kind": kind, "region": region, "product": product, "quota": quota})
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return groups


@dataclass
class SurveyInput:
    title: Any
    year: Any
    questions: Any
    period_start: Any = None
    period_end: Any = None
    intro: Any = ""
    anonymous: Any = True
    groups: Any = None
    reminder_days: Any = 7
    max_reminders: Any = 2


def _clean(data: SurveyInput) -> dict[str, Any]:
    """Everything checked at once, so one answer names every wrong field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    steps = [
        (
            "plan",
            lambda: questionnaire.clean_plan(
                title=data.title, year=data.year, period_start=data.period_start, period_end=data.period_end
            ),
        ),
        ("questions", lambda: questionnaire.clean_questions(data.questions)),
        ("groups", lambda: clean_groups(data.groups)),
    ]
    for name, step in steps:
        try:
            cleaned[name] = step()
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if not isinstance(data.anonymous, bool):
        errors["anonymous"] = [_("Anonymous is true or false.")]
    for name, value, top in (("reminder_days", data.reminder_days, 90), ("max_reminders", data.max_reminders, 10)):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            errors[name] = [_("A whole number from 0 to %(max)s is required.") % {"max": top}]
        cleaned[name] = value
    intro = str(data.intro or "").strip()
    if len(intro) > 4000:
        errors["intro"] = [_("At most 4000 characters.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    return {
        **cleaned["plan"],
        **{k: cleaned[k] for k in ("questions", "groups", "reminder_days", "max_reminders")},
        "intro": intro,
        "anonymous": data.anonymous,
    }


def _write_questions(survey: Survey, specs: list[questionnaire.QuestionSpec]) -> None:
    survey.questions.all().delete()
    Question.objects.bulk_create(
        Question(survey=survey, position=i + 1, text=s.text, kind=s.kind, choices=s.choices, required=s.required)
        for i, s in enumerate(specs)
    )


def _write_groups(survey: Survey, groups: list[dict[str, Any]]) -> None:
    """The plan's groups, replaced; customers already drawn stay (their group link is cleared)."""
    survey.groups.all().delete()
    TargetGroup.objects.bulk_create(TargetGroup(survey=survey, **g) for g in groups)


def do_create_survey(data: SurveyInput, *, actor, now: dt.datetime, open_now: bool = False) -> Survey:
    check_manager(actor)
    c = _clean(data)
    with transaction.atomic():
        survey = Survey.objects.create(
            title=c["title"],
            year=c["year"],
            period_start=c["period_start"],
            period_end=c["period_end"],
            intro=c["intro"],
            anonymous=c["anonymous"],
            reminder_days=c["reminder_days"],
            max_reminders=c["max_reminders"],
            created_by=actor,
            created_at=now,
            status=SurveyStatus.OPEN if open_now else SurveyStatus.DRAFT,
            opened_at=now if open_now else None,
        )
        _write_questions(survey, c["questions"])
        _write_groups(survey, c["groups"])
    return survey


def do_update_survey(
    survey_id: int, data: SurveyInput, *, actor, now: dt.datetime, version: int | None = None
) -> Survey:
    """The plan and the questionnaire, replaced whole (the builder saves them together). Only a draft: once
    customers may answer, a changed question would mix answers to two different questions."""
    c = _clean(data)
    with transaction.atomic():
        survey = access_survey(actor, survey_id, lock=True)
        if version is not None and version != survey.version:
            raise DomainError("version_conflict", _("Someone else changed this survey meanwhile. Reload it."))
        if survey.status != SurveyStatus.DRAFT:
            raise DomainError("read_only", _("The questionnaire can be changed only while the survey is a draft."))
        for name in (
            "title",
            "year",
            "period_start",
            "period_end",
            "intro",
            "anonymous",
            "reminder_days",
            "max_reminders",
        ):
            setattr(survey, name, c[name])
        survey.version += 1
        survey.save()
        _write_questions(survey, c["questions"])
        _write_groups(survey, c["groups"])
    return survey


def _open(survey: Survey, *, now: dt.datetime) -> None:
    if not survey.questions.exists():
        raise ValidationFailed(_("The questionnaire needs at least one question."), field="questions")
    survey.status = SurveyStatus.OPEN
    survey.opened_at = now
    survey.version += 1
    survey.save(update_fields=["status", "opened_at", "version"])


def do_open(survey_id: int, *, actor, now: dt.datetime) -> Survey:
    with transaction.atomic():
        survey = access_survey(actor, survey_id, lock=True)
        if survey.status != SurveyStatus.DRAFT:
            raise DomainError("invalid_transition", _("Only a draft survey can be opened."))
        _open(survey, now=now)
    return survey


def do_close(survey_id: int, *, actor, now: dt.datetime) -> Survey:
    with transaction.atomic():
        survey = access_survey(actor, survey_id, lock=True)
        if survey.status != SurveyStatus.OPEN:
            raise DomainError("invalid_transition", _("Only an open survey can be closed."))
        survey.status = SurveyStatus.CLOSED
        survey.closed_at = now
        survey.version += 1
        survey.save(update_fields=["status", "closed_at", "version"])
    return survey


# ── target customers ────────────────────────────────────────────────────────────────────────────────


def candidates(group: TargetGroup):
    """Customers of the archive in the group, who can be written to (an e-mail or a phone)."""
    qs = Customer.objects.filter(~Q(email="") | ~Q(phone=""))
    if group.kind:
        qs = qs.filter(kind=group.kind)
    if group.region:
        qs = qs.filter(
            Exists(
                Complaint.objects.filter(customer_id=OuterRef("pk")).filter(
                    Q(store__icontains=group.region) | Q(place__icontains=group.region)
                )
            )
        )
    if group.product:
        qs = qs.filter(Exists(Complaint.objects.filter(customer_id=OuterRef("pk"), product__icontains=group.product)))
    return qs


def do_draw(survey_id: int, *, actor, now: dt.datetime) -> int:
    """Fill every group up to its quota with customers not drawn yet, chosen at random (the same survey and
    archive give the same choice: the generator is seeded with the survey and group). Returns how many
    were added. Drawing again after the archive grew tops the groups up."""
    with transaction.atomic():
        survey = access_survey(actor, survey_id, lock=True)
        if survey.status == SurveyStatus.CLOSED:
            raise DomainError("invalid_transition", _("The survey is closed."))
        groups = list(survey.groups.all())
        if not groups:
            raise ValidationFailed(_("The plan has no target group to draw customers from."), field="groups")
        taken = set(survey.recipients.values_list("customer_id", flat=True))
        added = 0
        for group in groups:
            have = survey.recipients.filter(group=group).count()
            missing = group.quota - have
            if missing <= 0:
                continue
            pool = sorted(set(candidates(group).values_list("pk", flat=True)) - taken)
            random.Random(f"{survey.pk}:{group.pk}").shuffle(pool)
            chosen = pool[:missing]
            Recipient.objects.bulk_create(Recipient(survey=survey, customer_id=pk, group=group) for pk in chosen)
            taken.update(chosen)
            added += len(chosen)
        survey.version += 1
        survey.save(update_fields=["version"])
    return added


def do_remove_recipient(survey_id: int, recipient_id: int, *, actor) -> None:
    with transaction.atomic():
        survey = access_survey(actor, survey_id, lock=True)
        recipient = survey.recipients.filter(pk=recipient_id).first()
        if recipient is None:
            raise NotFound(_("No such recipient."))
        if recipient.invited_at is not None:
            raise DomainError("conflict", _("This customer has been sent the survey already."))
        recipient.delete()


# ── distribution ────────────────────────────────────────────────────────────────────────────────────


def _company() -> str:
    from kesu.core.models import Organization

    org = Organization.objects.only("name", "short_name").first()
    return (org.short_name or org.name) if org else ""


def _sms_gateway():
    from kesu.channels.outbound.services import sms_gateway

    return sms_gateway()


def channel_for(customer: Customer, *, gateway) -> tuple[str, str]:
    """(channel, address): e-mail when the customer has one (SMS first when they prefer it and a gateway is
    active), else SMS; ("", "") when they cannot be reached."""
    sms = customer.phone and gateway is not None
    if customer.preferred_contact == "sms" and sms:
        return Channel.SMS, customer.phone
    if customer.email:
        return Channel.EMAIL, customer.email
    if sms:
        return Channel.SMS, customer.phone
    return "", ""


def message_text(survey: Survey, recipient: Recipient, *, reminder: bool, channel: str) -> tuple[str, str]:
    """(subject, text) of the invitation or the reminder, in Chinese (the link's page switches to English)."""
    with translation.override("zh-hans"):
        values = {
            "customer": recipient.customer.name,
            "company": _company(),
            "year": survey.year,
            "title": survey.title,
            "url": links.personal_url(recipient),
            "until": survey.period_end.isoformat() if survey.period_end else "",
        }
        if channel == Channel.SMS:
            if reminder:
                text = (
                    _(
                        "%(company)s reminder: %(customer)s, your answers to our %(year)s satisfaction survey "
                        "still help us: %(url)s"
                    )
                    % values
                )
            else:
                text = (
                    _(
                        "%(company)s: %(customer)s, please take a few minutes for our %(year)s customer "
                        "satisfaction survey: %(url)s"
                    )
                    % values
                )
            return "", text
        if reminder:
            subject = _("Reminder: %(year)s customer satisfaction survey") % values
            opening = (
                _(
                    "Dear %(customer)s,\n\na few days ago we asked for your opinion in our %(year)s customer "
                    'satisfaction survey "%(title)s". If you have a few minutes, your answers still help us:'
                )
                % values
            )
        else:
            subject = _("%(year)s customer satisfaction survey: %(title)s") % values
            opening = (
                _(
                    "Dear %(customer)s,\n\n%(company)s is asking its customers how satisfied they are with its "
                    'products and service this year ("%(title)s"). Answering takes a few minutes:'
                )
                % values
            )
        lines = [opening, "", values["url"], ""]
        if values["until"]:
            lines.append(_("The survey is open until %(until)s.") % values)
        if survey.anonymous:
            lines.append(_("Your answers are anonymous: they are not linked to your name."))
        lines += ["", _("This link is personal and can be used once. Thank you for your support!"), values["company"]]
        return subject, "\n".join(lines).strip() + "\n"


def _queue(
    survey: Survey,
    recipient: Recipient,
    *,
    channel: str,
    address: str,
    reminder: bool,
    key: str,
    now: dt.datetime,
    gateway,
):
    subject, text = message_text(survey, recipient, reminder=reminder, channel=channel)
    if channel == Channel.EMAIL:
        payload = {
            "customer": True,
            "subject": subject,
            "text": text,
            "from": addresses.complaints_address(),
            "reply_to": addresses.complaints_address(),
            "headers": {"Auto-Submitted": "auto-generated"},
        }
    else:
        payload = {"customer": True, "text": text, "gateway": gateway.pk if gateway else None, "reference": key[:64]}
    return delivery.queue(
        key=key,
        channel=channel,
        target=address,
        kind="survey_reminder" if reminder else "survey_invitation",
        payload=payload,
        now=now,
    )


@dataclass
class SendResult:
    sent: int = 0
    without_contact: int = 0


def do_send(survey_id: int, *, actor, now: dt.datetime) -> SendResult:
    """Send every drawn customer not invited yet their personal link (a draft is opened first). Customers who
    cannot be reached (no e-mail, and a phone but no active SMS gateway) are counted, not sent."""
    result = SendResult()
    with transaction.atomic():
        survey = access_survey(actor, survey_id, lock=True)
        if survey.status == SurveyStatus.CLOSED:
            raise DomainError("invalid_transition", _("The survey is closed."))
        if survey.period_end and now.date() > survey.period_end:
            raise DomainError("invalid_transition", _("The survey's period has ended."))
        pending = list(
            survey.recipients.filter(invited_at__isnull=True).select_related("customer").select_for_update(of=("self",))
        )
        if not pending and not survey.recipients.exists():
            raise ValidationFailed(_("Draw the target customers first."), field="recipients")
        if survey.status == SurveyStatus.DRAFT:
            _open(survey, now=now)
        gateway = _sms_gateway()
        for recipient in pending:
            channel, address = channel_for(recipient.customer, gateway=gateway)
            if not channel:
                result.without_contact += 1
                continue
            row = _queue(
                survey,
                recipient,
                channel=channel,
                address=address,
                reminder=False,
                key=f"survey:{survey.pk}:{recipient.pk}:invite",
                now=now,
                gateway=gateway,
            )
            Recipient.objects.filter(pk=recipient.pk).update(
                channel=channel, address=address, invited_at=now, last_sent_at=now, delivery=row
            )
            result.sent += 1
    return result


def remind_due(*, now: dt.datetime) -> int:
    """One reminder to every invited customer of an open survey who has not answered, `reminder_days` after the
    last message, at most `max_reminders` times. Run twice, it sends nothing more (the last message moved)."""
    sent = 0
    gateway = _sms_gateway()
    surveys = Survey.objects.filter(status=SurveyStatus.OPEN, reminder_days__gt=0, max_reminders__gt=0).filter(
        Q(period_end__isnull=True) | Q(period_end__gte=now.date())
    )
    for survey in surveys:
        due = survey.recipients.filter(
            invited_at__isnull=False,
            answered_at__isnull=True,
            reminders__lt=survey.max_reminders,
            last_sent_at__lte=now - dt.timedelta(days=survey.reminder_days),
        ).select_related("customer")
        for recipient in due:
            with transaction.atomic():
                number = recipient.reminders + 1
                claimed = Recipient.objects.filter(
                    pk=recipient.pk, reminders=recipient.reminders, answered_at__isnull=True
                ).update(reminders=F("reminders") + 1, last_sent_at=now)
                if not claimed:
                    continue  # answered meanwhile, or another worker took it
                _queue(
                    survey,
                    recipient,
                    channel=recipient.channel,
                    address=recipient.address,
                    reminder=True,
                    key=f"survey:{survey.pk}:{recipient.pk}:remind:{number}",
                    now=now,
                    gateway=gateway,
                )
                sent += 1
    return sent


# ── answers ─────────────────────────────────────────────────────────────────────────────────────────


def recipient_for_token(token: str) -> Recipient:
    """The recipient a personal link is for; NotFound when it was altered, has expired or names nobody."""
    ids = links.read_token(token)
    recipient = (
        Recipient.objects.select_related("survey", "customer").filter(pk=ids[1], survey_id=ids[0]).first()
        if ids
        else None
    )
    if recipient is None:
        raise NotFound(_("This survey link is not valid or has expired."))
    return recipient


def public_survey(survey_id: int) -> Survey:
    """The survey the public link is for: an anonymous one, not a draft. Anything else is the same 404."""
    survey = Survey.objects.filter(pk=survey_id, anonymous=True).exclude(status=SurveyStatus.DRAFT).first()
    if survey is None:
        raise NotFound(_("No such survey."))
    return survey


def answering_state(survey: Survey, *, now: dt.datetime, recipient: Recipient | None = None) -> str:
    """ "open", "answered" (this personal link was used), "closed" (closed or its period ended), "not_yet"."""
    if recipient is not None and recipient.answered_at is not None:
        return "answered"
    if survey.status == SurveyStatus.CLOSED or (survey.period_end and now.date() > survey.period_end):
        return "closed"
    if survey.status != SurveyStatus.OPEN or (survey.period_start and now.date() < survey.period_start):
        return "not_yet"
    return "open"


def do_mark_opened(recipient: Recipient, *, now: dt.datetime) -> None:
    Recipient.objects.filter(pk=recipient.pk, opened_at__isnull=True).update(opened_at=now)


def do_answer(
    survey: Survey, answers: Any, *, now: dt.datetime, recipient: Recipient | None = None, via: str, language: str = ""
) -> Response:
    """Record one response. A personal link answers once (a second try, even at the same moment, is a 409);
    the public link is for anonymous surveys only (checked by the caller through public_survey)."""
    state = answering_state(survey, now=now, recipient=recipient)
    if state == "answered":
        raise DomainError("conflict", _("This survey has already been answered with this link. Thank you!"))
    if state == "closed":
        raise DomainError("invalid_transition", _("This survey has ended."))
    if state == "not_yet":
        raise DomainError("invalid_transition", _("This survey is not open yet."))
    questions = list(survey.questions.all())
    cleaned = questionnaire.clean_answers(questions, answers)
    with transaction.atomic():
        if recipient is not None:
            claimed = Recipient.objects.filter(pk=recipient.pk, answered_at__isnull=True).update(
                answered_at=now,
                opened_at=Coalesce(F("opened_at"), Value(now)),  # an API answer opens it too
            )
            if not claimed:
                raise DomainError("conflict", _("This survey has already been answered with this link. Thank you!"))
        try:
            response = Response.objects.create(
                survey=survey,
                recipient=None if (recipient is None or survey.anonymous) else recipient,
                answers=cleaned,
                via=via,
                language=language[:10],
                submitted_at=now,
            )
        except IntegrityError:  # the same recipient's response, written by a request that won the race
            raise DomainError(
                "conflict", _("This survey has already been answered with this link. Thank you!")
            ) from None
    return response
