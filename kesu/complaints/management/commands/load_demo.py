"""manage.py load_demo — a demo organisation with its people and about 200 complaints, loaded once.

The complaints are not inserted as finished rows: each is recorded with `do_create` and driven to
its state through the real `do_<action>` functions, by a plausible person, at a plausible time after
it was received. Their timelines are therefore the same as if people had done the work. A fixed
random seed makes the data the same on every machine (dates are relative to the day it is loaded).

Loads into an empty installation only, and only once: Organization.demo_loaded_at marks it, and a
second run prints the logins again and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.complaints import actions
from kesu.complaints import demo_data as D
from kesu.complaints.models import Category, Complaint
from kesu.complaints.models.complaint import ReviewState
from kesu.complaints.states import Status
from kesu.core.errors import DomainError
from kesu.core.models import Organization
from kesu.routing.models import HandlerProfile, TaskStatus
from kesu.routing.services import open_required_tasks
from kesu.routing.tasks_actions import do_update_task

SEED = 115  # any fixed number: the same demo everywhere

# How many complaints end in each state (about 200 in all).
TARGETS = {
    Status.NEW: 12,
    Status.ACKNOWLEDGED: 10,
    Status.TRIAGED: 10,
    Status.ASSIGNED: 14,
    Status.INVESTIGATING: 22,
    Status.SOLUTION_PROPOSED: 14,
    Status.RESOLVED: 14,
    Status.CLOSED: 34,
    Status.ARCHIVED: 46,
    Status.REJECTED: 12,
    Status.REOPENED: 12,
}

# How long ago (hours) a complaint in each state was received: fresh ones are new, old ones archived.
AGE_HOURS = {
    Status.NEW: (0.3, 30),
    Status.ACKNOWLEDGED: (2, 60),
    Status.TRIAGED: (4, 96),
    Status.ASSIGNED: (10, 7 * 24),
    Status.INVESTIGATING: (36, 20 * 24),
    Status.SOLUTION_PROPOSED: (3 * 24, 24 * 24),
    Status.RESOLVED: (5 * 24, 30 * 24),
    Status.CLOSED: (8 * 24, 50 * 24),
    Status.ARCHIVED: (15 * 24, 60 * 24),
    Status.REJECTED: (1 * 24, 58 * 24),
    Status.REOPENED: (8 * 24, 45 * 24),
}

# Minutes from one step to the next: (shortest, longest).
DELAY = {
    "acknowledge": (10, 180),
    "triage": (5, 90),
    "assign": (10, 180),
    "start": (30, 1440),
    "note": (60, 1440),
    "pause_clock": (60, 600),
    "resume_clock": (1440, 4320),
    "escalate": (60, 720),
    "propose_solution": (1440, 4320),
    "customer_response": (60, 1440),
    "resolve": (1440, 5760),
    "rate": (1440, 4320),
    "close": (10, 600),
    "review": (240, 2880),
    "archive": (1440, 10080),
    "reject": (30, 600),
    "reopen": (1440, 7200),
    "finish_tasks": (240, 2880),  # the collaborating departments report back
    "work_tasks": (60, 600),
}
# From receiving a complaint to recording it, by channel.
RECORD_DELAY = {
    "phone": (1, 10),
    "store": (10, 120),
    "email": (10, 240),
    "web": (1, 60),
    "chat": (1, 10),
    "social": (20, 180),
    "letter": (30, 240),
    "regulator": (10, 120),
    "api": (0, 1),
}
STAFF_HOURS = (8, 21)  # people work from 08:00 to 21:00; the API and social media never sleep


@dataclass
class Step:
    action: str
    who: str  # a username, "owner" (the complaint's owner) or "reviewer" (whoever its level needs)
    kwargs: dict[str, Any] | Callable[[Complaint], dict[str, Any]] = field(default_factory=dict)
    delay: tuple[int, int] | None = None


@dataclass
class Story:
    """One demo complaint: what is recorded, and the steps that bring it to its final state."""

    case: dict
    target: str
    variant: str
    received_at: dt.datetime
    channel: str
    creator: str = "agent"
    repeat: bool = False  # the customer complained before
    data: actions.ComplaintInput | None = None
    steps: list[Step] = field(default_factory=list)


class Command(BaseCommand):
    help = "Load the demo organisation, its users and about 200 complaints (once; a second run changes nothing)."

    def handle(self, *args, **options):
        org = Organization.objects.first()
        if org and org.demo_loaded_at:
            self.stdout.write(
                _("Demo data is already loaded (%(when)s); nothing changed.")
                % {"when": timezone.localtime(org.demo_loaded_at).strftime("%Y-%m-%d %H:%M")}
            )
            self._print_logins()
            return
        demo_names = [u[0] for u in D.USERS]
        if Complaint.objects.exists() or User.objects.filter(username__in=demo_names).exists():
            self.stdout.write(
                _(
                    "This database already holds complaints or users with the demo names: demo data is loaded "
                    "only into a new installation. Nothing changed."
                )
            )
            return
        started = time.monotonic()
        with transaction.atomic():
            org = Demo(now=timezone.now()).load()
        counts = Counter(Complaint.objects.values_list("status", flat=True))
        self.stdout.write(
            _("Demo data loaded for %(org)s: %(count)s complaints in %(seconds).1f s.")
            % {"org": org.name, "count": sum(counts.values()), "seconds": time.monotonic() - started}
        )
        self.stdout.write("  " + ", ".join(f"{status} {counts[status]}" for status in Status.values if counts[status]))
        self._print_logins()

    def _print_logins(self) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in D.USERS], is_active=True)}
        if not users:
            return
        rows = [(_("Username"), _("Role"), _("Name"), _("Title"), _("Department"), _("Password"))]
        for username, role, name, title, departments, _heads in D.USERS:
            if username in users:
                rows.append((username, role, name, title, ",".join(departments) or "-", D.DEMO_PASSWORD))
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("")
        self.stdout.write(_("Demo logins (sign in at /, the API takes tokens from `manage.py issue_token`):"))
        for n, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)))
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


class Demo:
    def __init__(self, *, now: dt.datetime):
        self.now = now
        self.limit = now - dt.timedelta(minutes=2)  # nothing in the demo happens in the future
        self.rng = random.Random(SEED)
        self.users: dict[str, User] = {}
        self.consumers_seen: list[actions.CustomerInput] = []
        self.phones: set[str] = set()
        self.types: set[str] = set()

    # -----------------------------------------------------------------------------------------
    # Organisation, departments, people, routing

    def load(self) -> Organization:
        org = Organization.objects.first() or Organization(complaint_prefix="KS")
        for name, value in D.ORGANIZATION.items():
            setattr(org, name, value)
        org.save()
        departments = {
            code: Department.objects.update_or_create(code=code, defaults={"name": name, "active": True})[0]
            for code, name in D.DEPARTMENTS
        }
        password = make_password(D.DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        # No e-mail addresses: the demo's notifications stay in the app instead of going to an SMTP server.
        for username, role, name, _title, dept_codes, heads in D.USERS:
            user = User.objects.create(
                username=username,
                role=role,
                display_name=name,
                password=password,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            user.departments.set([departments[c] for c in dept_codes])
            for code in heads:
                Department.objects.filter(pk=departments[code].pk).update(head=user)
            self.users[username] = user
        for username, (skills, areas) in D.HANDLER_PROFILES.items():
            HandlerProfile.objects.update_or_create(
                user=self.users[username], defaults={"skills": skills, "areas": areas}
            )
        for code, (dept, collaborators) in D.ROUTING.items():
            category = Category.objects.filter(code=code).first()
            if category is None:
                continue
            category.department = departments[dept]
            category.save(update_fields=["department"])
            category.collaborating_departments.set([departments[c] for c in collaborators])

        self.types = set(Category.objects.filter(active=True).values_list("code", flat=True))
        if not self.types:
            raise CommandError("There are no active complaint types; load a playbook first.")
        stories = self.plan()
        for story in stories:
            self.play(story)
        org.demo_loaded_at = self.now
        org.save(update_fields=["demo_loaded_at"])
        return org

    # -----------------------------------------------------------------------------------------
    # Planning: which complaint ends where

    def plan(self) -> list[Story]:
        rng = self.rng
        rejectable = [c for c in D.CASES if c.get("reject")]
        ordinary = [c for c in D.CASES if not c.get("reject")]
        slots: list[tuple[str, str]] = []  # (target, variant)
        for target, count in TARGETS.items():
            variants = self._variants(target, count)
            slots += [(target, v) for v in variants]
        needs_reject = [s for s in slots if s[1].startswith("rejected")]
        others = [s for s in slots if not s[1].startswith("rejected")]
        reject_cases = (rejectable * (len(needs_reject) // len(rejectable) + 1))[: len(needs_reject)]
        ordinary_cases = ordinary * (len(others) // len(ordinary)) + rng.sample(ordinary, len(others) % len(ordinary))
        rng.shuffle(reject_cases)
        rng.shuffle(ordinary_cases)
        stories = [
            self._story(case, target, variant)
            for (target, variant), case in [
                *zip(needs_reject, reject_cases, strict=True),
                *zip(others, ordinary_cases, strict=True),
            ]
        ]
        stories.sort(key=lambda s: s.received_at)  # recorded in the order they arrived: numbers follow dates
        for story in stories:
            story.data = self._complaint_input(story)
            story.steps = self._road(story)
        return stories

    def _variants(self, target: str, count: int) -> list[str]:
        """How each complaint reaches `target`: the usual road, or one of the detours people take."""
        fixed = {
            Status.REJECTED: ["rejected"] * count,
            Status.REOPENED: ["dissatisfied"] * 7 + ["closed_reopen"] * 3 + ["rejected_reopen"] * 2,
            Status.ARCHIVED: ["rejected_archive"] * 4 + ["round2"] * 5 + ["sent_back"] * 3 + ["declined"] * 3,
            Status.CLOSED: ["pending"] * 14 + ["no_rating"] * 3,
            Status.INVESTIGATING: ["paused"] * 5 + ["escalated"] * 4 + ["paused_resumed"] * 4,
            Status.SOLUTION_PROPOSED: ["declined"] * 3,
            Status.RESOLVED: ["message"] * 5,
        }.get(target, [])
        variants = fixed[:count]
        return variants + ["usual"] * (count - len(variants))

    def _story(self, case: dict, target: str, variant: str) -> Story:
        rng = self.rng
        channel = rng.choice(case["channels"])
        low, high = AGE_HOURS[target]
        for _attempt in range(20):
            received = self.now - dt.timedelta(hours=rng.uniform(low, high))
            local = timezone.localtime(received)
            if channel not in ("api", "social") and not STAFF_HOURS[0] <= local.hour < STAFF_HOURS[1]:
                local = local.replace(hour=rng.randint(9, 19), minute=rng.randint(0, 59))
                received = local
            if received < self.now - dt.timedelta(hours=low * 0.5 + 0.2):
                break
        kind = case.get("kind", "consumer")
        if kind.startswith("business"):
            creator = rng.choice(["director", "quality", "agent"])
        elif channel == "regulator":
            creator = "supervisor"
        else:
            creator = rng.choice(["agent", "agent", "agent2"])
        return Story(case=case, target=target, variant=variant, received_at=received, channel=channel, creator=creator)

    # -----------------------------------------------------------------------------------------
    # The complaint as it is recorded

    def _customer(self, story: Story) -> tuple[actions.CustomerInput, str]:
        """The complainant, and the store they bought from (if any)."""
        rng = self.rng
        kind = story.case.get("kind", "consumer")
        if kind == "franchisee":
            store, name, external_id, phone, relationship = rng.choice(D.FRANCHISEES)
            customer = actions.CustomerInput(
                name=name,
                kind="franchisee",
                phone=phone,
                external_id=external_id,
                relationship=relationship,
                company=f"{D.ORGANIZATION['short_name']}{store}",
            )
            return customer, store
        if kind.startswith("business"):
            name, company, external_id, phone, email, relationship = D.BUSINESSES[kind.split(":", 1)[1]]
            customer = actions.CustomerInput(
                name=name,
                kind="business",
                phone=phone,
                email=email,
                external_id=external_id,
                relationship=relationship,
                company=company,
            )
            return customer, ""
        if kind == "other":
            name, company, phone, relationship = rng.choice(D.OTHERS)
            return actions.CustomerInput(
                name=name, kind="other", phone=phone, company=company, relationship=relationship
            ), ""
        if story.case.get("store"):
            store = story.case["store"]
        elif story.channel in ("store", "letter", "regulator"):
            store = rng.choice(D.STORES)
        else:
            store = rng.choice(D.STORES + D.ONLINE_STORES)
        if self.consumers_seen and (story.case.get("repeat") or rng.random() < 0.08):
            story.repeat = True
            return rng.choice(self.consumers_seen), store  # a repeat customer, found again by phone
        surname = rng.choice(D.SURNAMES)
        name = surname + (rng.choice(["先生", "女士"]) if rng.random() < 0.3 else rng.choice(D.GIVEN_NAMES))
        phone = self._phone()
        email = ""
        if story.channel in ("email", "web"):
            letters = "".join(rng.choice("abcdefghjklmnpqrstwxyz") for _ in range(rng.randint(2, 5)))
            email = f"{letters}{rng.randint(10, 9999)}@example.com"
        relationship = "vip" if rng.random() < 0.08 else ""
        customer = actions.CustomerInput(
            name=name, kind="consumer", phone=phone, email=email, relationship=relationship
        )
        self.consumers_seen.append(customer)
        return customer, store

    def _phone(self) -> str:
        while True:
            prefix = self.rng.choice(["135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177"])
            phone = prefix + f"{self.rng.randint(0, 99999999):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def _complaint_input(self, story: Story) -> actions.ComplaintInput:
        rng = self.rng
        case = story.case
        customer, store = self._customer(story)
        received_local = timezone.localtime(story.received_at)
        fill: dict[str, Any] = {
            "days": rng.randint(3, 40),
            "n": rng.randint(3, 8),
            "store": store or rng.choice(D.STORES),
            "order": "".join(str(rng.randint(0, 9)) for _ in range(12)),
            "qty": rng.choice([36, 48, 64, 120, 200, 240, 360, 480, 600]),
            "product": "",
            "model": "",
            "price": 0,
            "part": "",
            "part_no": "",
            "batch": "",
        }
        goods = case.get("goods", "")
        product = product_model = product_code = batch_no = ""
        if goods == "parts":
            part, part_no = D.AUTO_PARTS[case.get("part", 0)]
            made = received_local - dt.timedelta(days=rng.randint(2, 20))
            fill.update(part=part, part_no=part_no, batch=f"B{made:%y%m%d}-{rng.randint(1, 4):02d}")
            fill["order"] = f"PO{received_local:%y%m}{rng.randint(1000, 9999)}"
            product, product_model, batch_no = part, part_no, fill["batch"]
        elif goods:
            name, models = D.APPLIANCES[goods]
            model, price = rng.choice(models)
            made = received_local - dt.timedelta(days=rng.randint(30, 200))
            fill.update(product=name, model=model, price=price, batch=f"P{made:%y%m%d}{rng.randint(1, 3):02d}")
            product, product_model = name, model
            product_code = f"SL{rng.randint(10**10, 10**11 - 1)}"
            if "batch" in case.get("flags", []) or rng.random() < 0.3:
                batch_no = fill["batch"]
        amount = None
        if case.get("amount") == "price":
            amount = Decimal(fill["price"] or 0) or None
        elif case.get("amount"):
            low, high = case["amount"]
            amount = Decimal(_round_money(rng.uniform(low, high)))
        fill["amount"] = amount
        kind = customer.kind
        online = store in D.ONLINE_STORES or story.channel == "api" or kind == "business"
        wrong = story.variant == "usual" and not case.get("untyped") and rng.random() < 0.07
        case = {**case, "fill": fill, "type": self._type(case["type"])}
        type_code = "" if case.get("untyped") else case["type"]
        others = sorted(self.types - {case["type"]})
        if wrong and others:
            type_code = rng.choice(others)
            story.variant = "wrong_type"
        story.case = case
        return actions.ComplaintInput(
            channel=story.channel,
            customer=customer,
            title=case["title"].format(**fill),
            description=case["text"].format(**fill),
            type_code=type_code,
            product=product,
            product_model=product_model,
            product_code=product_code,
            batch_no=batch_no,
            order_no=fill["order"] if online or "{order}" in case["text"] else "",
            store=store if kind in ("consumer", "franchisee") else "",
            quantity=fill["qty"] if "{qty}" in case["text"] else (fill["n"] if "{n}" in case["text"] else None),
            amount=amount,
            demand=case.get("demand", ""),
            occurred_at=story.received_at - dt.timedelta(hours=rng.randint(2, 72)) if rng.random() < 0.5 else None,
            received_at=story.received_at,
            flags=list(case.get("flags", [])),
        )

    def _type(self, code: str) -> str:
        """The case's type, or the nearest one the active playbook has (not every playbook has every type)."""
        for candidate in (code, *D.TYPE_FALLBACKS.get(code, ()), "other"):
            if candidate in self.types:
                return candidate
        return sorted(self.types)[0]

    # -----------------------------------------------------------------------------------------
    # The road to the final state

    def _classification(self, story: Story) -> dict[str, Any]:
        case, data = story.case, story.data
        assert data is not None
        flags = set(case.get("flags", []))
        amount = data.amount or 0
        repeat = story.repeat or (bool(case.get("repeat")) and data.customer.kind == "business")
        severity = "B"
        business = data.customer.kind == "business"
        if flags & {"line_stop", "batch", "rohs_reach"} or amount >= 5000 or (business and repeat):
            severity = "A"
        if flags & {"safety", "media", "regulator"} or case.get("urgent"):
            priority = "urgent"
        elif amount >= 5000 or data.customer.relationship == "vip" or repeat or severity == "A":
            priority = "important"
        else:
            priority = "routine"
        level = case.get("level") or (2 if repeat or data.customer.relationship == "vip" else 1)
        reason = D.WRONG_TYPE_REASON if story.variant == "wrong_type" else self.rng.choice(D.TRIAGE_REASONS)
        return {
            "type_code": case["type"],
            "severity": severity,
            "priority": priority,
            "level": level,
            "justified": True,
            "reason": reason,
        }

    def _road(self, story: Story) -> list[Step]:
        rng = self.rng
        case, target, variant = story.case, story.target, story.variant
        fill = case["fill"]
        front = story.creator if story.creator in ("agent", "agent2", "supervisor") else "agent"
        if case.get("kind", "").startswith("business"):
            front = "director"  # the sales centre speaks to the car makers
        steps: list[Step] = []
        classification = self._classification(story)
        level = classification["level"]
        add = steps.append

        def note(who: str, *, internal: bool = True) -> Step:
            def text(c: Complaint) -> dict[str, Any]:
                if not internal:
                    return {"text": rng.choice(D.CUSTOMER_MESSAGES), "internal": False}
                dept = c.department.code if c.department_id else "CS"
                return {"text": rng.choice(D.INVESTIGATION_NOTES.get(dept, D.INVESTIGATION_NOTES["CS"]))}

            return Step("note", who, text)

        if target == Status.NEW:
            if rng.random() < 0.3:
                add(Step("note", front, {"text": "客户要求下午再回电，已登记。"}))
            return steps
        acknowledged = not (variant.startswith("rejected") and rng.random() < 0.25)
        if acknowledged:  # (or obviously not ours: judged not justified on the first call)
            add(
                Step(
                    "acknowledge",
                    front,
                    {"note": rng.choice(D.ACK_NOTES[D.ACK_BY_CHANNEL.get(story.channel, "phone")])},
                    delay=(5, 40) if level >= 2 else None,
                )
            )
        if target == Status.ACKNOWLEDGED:
            return steps

        if variant.startswith("rejected"):
            if acknowledged and rng.random() < 0.3:
                add(Step("triage", front, {k: v for k, v in classification.items() if k != "justified"}))
            reason, reply = case["reject"]
            add(Step("reject", rng.choice([front, "supervisor"]), {"reason": reason, "reply": reply}))
            if variant == "rejected_archive":
                add(Step("archive", "archivist"))
            elif variant == "rejected_reopen":
                add(Step("reopen", "supervisor", {"reason": "客户补充了新的证据，需要重新核实。"}))
            return steps

        triager = "quality" if case["type"] == "quality" and case.get("kind", "").startswith("business") else front
        if level >= 2 and triager != "quality":
            triager = "supervisor"
        add(Step("triage", triager, classification))
        if target == Status.TRIAGED:
            return steps

        manual = case["type"] == "quality" and case.get("goods") in ("parts", "fridge", "washer") and rng.random() < 0.3
        assign_kwargs = {"department": "PROD", "owner": "handler"} if manual else {}
        assigner = "quality" if triager == "quality" else rng.choice(["supervisor", front])
        add(Step("assign", assigner, assign_kwargs))
        if target == Status.ASSIGNED:
            return steps

        add(Step("start", "owner"))
        if rng.random() < 0.7:
            add(note("owner"))
        if variant == "escalated" and level < 3:
            add(Step("escalate", "owner", {"reason": rng.choice(D.ESCALATE_REASONS)}))
            level += 1
        if variant in ("paused", "paused_resumed"):
            add(Step("pause_clock", "owner", {"reason": rng.choice(D.PAUSE_REASONS)}))
            if variant == "paused_resumed":
                add(Step("resume_clock", "owner", {"reason": rng.choice(D.RESUME_REASONS)}))
        if target == Status.INVESTIGATING:
            if rng.random() < 0.5:
                add(Step("work_tasks", "owner"))
            if rng.random() < 0.4:
                add(note(front, internal=False))
            return steps

        solution_type, detail, comp_range = case["solution"]
        comp = _round_money(rng.uniform(*comp_range)) if comp_range else None
        detail = detail.format(comp=comp, **{k: v for k, v in fill.items() if k != "comp"})
        propose = {"solution_type": solution_type, "detail": detail, "compensation_amount": comp}
        add(Step("finish_tasks", "owner"))
        if variant == "declined":
            add(Step("propose_solution", "owner", _lesser(propose)))
            add(Step("customer_response", front, {"accepted": False, "comment": rng.choice(D.DECLINE_COMMENTS)}))
            if target == Status.SOLUTION_PROPOSED:
                add(note("owner"))
        add(Step("propose_solution", "owner", propose))
        if target == Status.SOLUTION_PROPOSED:
            return steps

        def handled_and_rated(score: int, *, round_two: bool = False) -> None:
            add(Step("customer_response", front, {"accepted": True, "comment": rng.choice(D.ACCEPT_COMMENTS)}))
            add(Step("resolve", "owner", {"summary": case["summary"]}))
            if variant == "message" and not round_two:
                add(note(front, internal=False))
            if target == Status.RESOLVED and not round_two:
                return
            add(Step("rate", rng.choice(["agent", "agent2"]), {"score": score, "comment": _comment(rng, score)}))

        dissatisfied = variant in ("dissatisfied", "round2")
        handled_and_rated(rng.choice([4, 5]) if dissatisfied else _happy_score(rng))
        if target == Status.RESOLVED or variant == "dissatisfied":
            return steps
        if variant == "round2":
            level = min(level + 1, 3)
            add(Step("acknowledge", "supervisor", {"note": "主管回电安抚客户，重新受理。"}))
            add(Step("triage", "supervisor", {"priority": "important", "reason": "客户不满意，重新处理。"}))
            add(Step("assign", "supervisor", {"reason": rng.choice(D.REASSIGN_REASONS)}))
            add(Step("start", "owner"))
            add(Step("finish_tasks", "owner"))
            add(Step("propose_solution", "owner", {**propose, "detail": "主管复核后重新处理：" + detail}))
            handled_and_rated(rng.choice([1, 2]), round_two=True)

        closer = "supervisor" if level == 1 and rng.random() < 0.4 else front
        if variant == "no_rating":
            steps.pop()  # no rating could be had
            add(Step("close", closer, {"reason": rng.choice(D.NO_RATING_REASONS)}))
        else:
            add(Step("close", closer))
        if variant == "closed_reopen":
            add(Step("reopen", front, {"reason": rng.choice(D.REOPEN_REASONS)}))
            return steps
        if variant == "pending":
            steps[-1] = Step("close", rng.choice(["agent", "agent2"]))  # an agent's closure waits for review
            return steps
        if variant == "sent_back":
            steps[-1] = Step("close", "agent")
            add(Step("review", "reviewer", {"approved": False, "comment": rng.choice(D.REVIEW_SEND_BACK)}))
            add(note("owner"))
            add(Step("propose_solution", "owner", propose))
            handled_and_rated(_happy_score(rng), round_two=True)
            add(Step("close", front))
        add(Step("review", "reviewer", {"approved": True, "comment": "同意关闭。"}))
        if target == Status.ARCHIVED:
            add(Step("archive", "archivist"))
        return steps

    # -----------------------------------------------------------------------------------------
    # Playing a story through the real actions

    def play(self, story: Story) -> None:
        rng = self.rng
        assert story.data is not None
        creator = self.users[story.creator]
        record_at = story.received_at + dt.timedelta(minutes=rng.uniform(*RECORD_DELAY[story.channel]))
        delays = [rng.uniform(*(step.delay or DELAY[step.action])) for step in story.steps]
        room = (self.limit - record_at).total_seconds() / 60
        scale = min(1.0, room / sum(delays)) if delays and room > 0 else 1.0
        at = min(record_at, self.limit - dt.timedelta(minutes=len(delays)))
        complaint, _created = actions.do_create(story.data, actor=creator, now=at)
        for n, (step, minutes) in enumerate(zip(story.steps, delays, strict=True)):
            at = self._next_time(at, minutes * scale, remaining=len(delays) - n)
            if step.action == "review" and complaint.review_state != ReviewState.PENDING:
                continue
            if step.action == "escalate" and (complaint.level or 1) >= 3:
                continue
            if step.action in ("finish_tasks", "work_tasks"):
                at = self._work_tasks(complaint, at, done=step.action == "finish_tasks")
                continue
            actor = self._actor(step.who, complaint)
            kwargs = step.kwargs(complaint) if callable(step.kwargs) else dict(step.kwargs)
            try:
                if step.action == "propose_solution" and kwargs.get("compensation_amount"):
                    # A proposal carries only approved compensation: the GM office grants it first.
                    from kesu.solutions.actions import do_request_compensation

                    do_request_compensation(
                        complaint,
                        actor=self.users["manager"],
                        now=at,
                        kind="cash",
                        amount=kwargs["compensation_amount"],
                        reason=kwargs["detail"][:200],
                        confirm=True,  # the story's amount is deliberate, even above the amount involved
                    )
                complaint = actions.ACTIONS[step.action](complaint, actor=actor, now=at, **kwargs)
            except DomainError as exc:
                raise CommandError(
                    f"demo complaint {complaint.number} ({story.target}/{story.variant}): "
                    f"{step.action} by {actor.username} failed: {exc.message} {exc.fields or ''}"
                ) from exc

    def _work_tasks(self, complaint: Complaint, at: dt.datetime, *, done: bool) -> dt.datetime:
        """Each collaborating department's task of this round: done with a note, or under way."""
        for task in open_required_tasks(complaint):
            if not done and (task.status != TaskStatus.OPEN or self.rng.random() < 0.5):
                continue
            worker = task.owner if task.owner_id and task.owner.is_active else complaint.owner
            code = task.department.code if task.department_id else ""
            note = self.rng.choice(D.TASK_NOTES.get(code, D.TASK_NOTES_DEFAULT) if done else D.TASK_UNDER_WAY)
            status = TaskStatus.DONE if done else TaskStatus.IN_PROGRESS
            do_update_task(complaint, task.id, actor=worker, now=at, status=status, note=note)
            at = min(at + dt.timedelta(minutes=self.rng.uniform(5, 120)), self.limit - dt.timedelta(minutes=1))
        return at

    def _next_time(self, previous: dt.datetime, minutes: float, *, remaining: int) -> dt.datetime:
        at = previous + dt.timedelta(minutes=max(minutes, 0.5))
        local = timezone.localtime(at)
        if minutes > 30 and not STAFF_HOURS[0] <= local.hour < STAFF_HOURS[1]:
            morning = local.replace(hour=8, minute=30) + dt.timedelta(minutes=self.rng.randint(0, 90))
            if local.hour >= STAFF_HOURS[1]:
                morning += dt.timedelta(days=1)
            if morning < self.limit - dt.timedelta(minutes=remaining):
                at = morning
        latest = self.limit - dt.timedelta(minutes=remaining)
        if at > latest:
            at = max(latest, previous + dt.timedelta(seconds=1))
        return at

    def _actor(self, who: str, complaint: Complaint) -> User:
        if who == "owner":
            if complaint.owner_id:
                return self.users.get(complaint.owner.username) or complaint.owner
            return self.users["supervisor"]
        if who == "reviewer":
            if (complaint.level or 1) <= 1:
                return self.users["supervisor"]
            return self.users["manager" if self.rng.random() < 0.2 else "director"]
        return self.users[who]


def _round_money(value: float) -> int:
    step = 100 if value >= 2000 else 10
    return max(step, round(value / step) * step)


def _happy_score(rng: random.Random) -> int:
    return rng.choices([1, 2, 3], weights=[35, 45, 20])[0]


def _comment(rng: random.Random, score: int) -> str:
    return rng.choice(D.SATISFACTION_COMMENTS[score]) if rng.random() < 0.8 else ""


def _lesser(propose: dict[str, Any]) -> dict[str, Any]:
    """A first offer the customer turns down."""
    if propose["solution_type"] in ("exchange", "refund"):
        detail = "上门维修更换故障部件，并延长保修一年。"
        return {"solution_type": "repair", "detail": detail, "compensation_amount": None}
    if propose.get("compensation_amount"):
        half = _round_money(propose["compensation_amount"] / 2)
        return {**propose, "detail": propose["detail"], "compensation_amount": half}
    return {"solution_type": "apology", "detail": "向客户致歉并说明原因，后续加强管理。", "compensation_amount": None}
