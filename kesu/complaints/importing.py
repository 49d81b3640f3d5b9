"""The bulk insertion path of an import of old complaint records (R-IN-5).

An intake (`do_create`) classifies, routes, starts clocks, links repeats and raises early warnings: about 60
complaints a second, and every one of those steps is wrong for history. An import instead:

- validates each row with the intake's own rules (`actions._validate_create`) plus what history adds (the
  final state and the closing date);
- finds or creates the customers in bulk by the intake's keys (external id, phone, e-mail; a key another
  customer holds is left empty on the new one), and marks a customer with an earlier complaint "existing";
- numbers each received day's complaints from that day's counter (KS-<received day>-NNNNN), in one statement
  per day and batch (`core.numbering.reserve`);
- inserts complaints and one timeline event each ("imported", with the file, the row, the legacy number and
  the run) in batches, inside the caller's one transaction.

What an imported complaint is: its received date, its legacy number (searchable: it is in search_text), its
final state — `closed` (closed_at = the sheet's closing date, else the received date; no review pending) or
`archived` (archived_at = closed_at) — or `new` for one still open. No clocks are started for any of them:
history has no deadlines to breach, and an open one waits in the inbox as new, its handling starting with
whoever picks it up. Nothing is classified, routed or escalated, no early warning is raised, and no message
goes to the customer (the acknowledgement follows "create" events; an import writes "imported" ones).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.core.errors import DomainError
from kesu.core.models import Organization
from kesu.core.numbering import reserve

from .actions import CLOCK_SKEW, ComplaintInput, _validate_create, search_text_for
from .events import record_events
from .models import Category, Complaint, Customer, CustomerKind, Relationship
from .models.complaint import ReviewState
from .states import Status

IMPORT_STATES = (Status.NEW, Status.CLOSED, Status.ARCHIVED)
BATCH_SIZE = 2000
_COPIED = (
    "title",
    "description",
    "channel",
    "demand",
    "amount",
    "quantity",
    "occurred_at",
    "flags",
    "product",
    "product_model",
    "product_code",
    "batch_no",
    "order_no",
    "store",
    "legacy_no",
    "place",
    "people_involved",
    "received_at",
)


@dataclass
class ImportRow:
    row: int  # the row number the sheet shows
    data: ComplaintInput
    status: str = Status.NEW
    closed_at: dt.datetime | None = None


@dataclass
class ImportResult:
    imported: int = 0
    first_id: int | None = None
    last_id: int | None = None
    first_number: str = ""
    last_number: str = ""


@dataclass
class _Pending:
    row: ImportRow
    clean: dict[str, Any]
    customer: _Person | None = None
    number: str = ""


class Importer:
    """Check rows one by one (`check`), then `add` the checked ones and `finish()`; the inserts happen in
    batches while rows are added, so the caller holds one transaction around all of it."""

    def __init__(
        self, *, actor: User | None, now: dt.datetime, source: dict[str, Any], batch_size: int = BATCH_SIZE
    ) -> None:
        self.actor = actor
        self.now = now
        self.source = source  # what each "imported" event says of its origin: {"file": name, "run": id}
        self.batch_size = batch_size
        self.prefix = Organization.objects.values_list("complaint_prefix", flat=True).first() or "KS"
        # History may name types since retired: every type counts, by code or by name.
        self.categories = {c.code: c for c in Category.objects.all()}
        self._type_names: dict[str, str] = {}
        for c in self.categories.values():
            for name in (c.name, c.name_en):
                if name:
                    self._type_names.setdefault(name.strip().lower(), c.code)
        self._pending: list[_Pending] = []
        self._customers: dict[tuple[str, str], _Person] = {}  # ("phone", value) → customer
        self._people: dict[int, _Person] = {}  # customer id → customer
        self._looked_up: set[tuple[str, str]] = set()
        self._inserter = _RawInsert(Complaint)  # id() of customers who have a complaint in this import or before it
        self.result = ImportResult()

    # --- checking ------------------------------------------------------------------------------------------

    def type_code(self, text: str) -> str:
        """A type cell as a code: the code itself, or the type's Chinese or English name ("" stays "")."""
        text = (text or "").strip()
        if not text or text in self.categories:
            return text
        return self._type_names.get(text.lower(), text)

    def check(self, row: ImportRow) -> dict[str, Any]:
        """The row's clean values as an intake validates them, or DomainError with every field at fault."""
        errors: dict[str, list[str]] = {}
        try:
            clean = _validate_create(row.data, self.now, categories=self.categories)
        except DomainError as exc:
            errors.update(exc.fields)
            clean = {}
        if row.data.received_at is None:
            errors.setdefault("received_at", []).append(_("Give the date the complaint was received."))
        if row.status not in IMPORT_STATES:
            errors.setdefault("status", []).append(_("Unknown status."))
        if row.closed_at is not None and "received_at" not in errors and clean:
            if row.closed_at < clean["received_at"]:
                errors.setdefault("closed_at", []).append(_("A complaint cannot be closed before it was received."))
            elif row.closed_at > self.now + CLOCK_SKEW:
                errors.setdefault("closed_at", []).append(_("A complaint cannot be closed in the future."))
        if errors:
            raise DomainError("validation_error", _("Please correct the marked fields."), fields=errors)
        return clean

    # --- inserting ------------------------------------------------------------------------------------------

    def add(self, row: ImportRow, clean: dict[str, Any]) -> None:
        self._pending.append(_Pending(row=row, clean=clean))
        if len(self._pending) >= self.batch_size:
            self.flush()

    def finish(self) -> ImportResult:
        self.flush()
        return self.result

    def flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        self._attach_customers(batch)
        self._number(batch)
        rows = [self._values(p) for p in batch]
        ids = self._inserter.insert(rows)
        # The events need a complaint to point to, not all of its columns.
        record_events(
            [
                {
                    "complaint": Complaint.from_db(connection.alias, ["id", "status"], [pk, values["status"]]),
                    "action": "imported",
                    "to_status": values["status"],
                    "data": {
                        **self.source,
                        "row": p.row.row,
                        "legacy_number": values["legacy_no"],
                        "received_at": values["received_at"].isoformat(),
                    },
                }
                for p, values, pk in zip(batch, rows, ids, strict=True)
            ],
            now=self.now,
            actor=self.actor,
        )
        r = self.result
        r.imported += len(ids)
        numbers = [values["number"] for values in rows]
        r.first_id = min([*ids, *([r.first_id] if r.first_id else [])])
        r.last_id = max([*ids, *([r.last_id] if r.last_id else [])])
        r.first_number = min([*numbers, *([r.first_number] if r.first_number else [])])
        r.last_number = max([*numbers, *([r.last_number] if r.last_number else [])])

    def _values(self, p: _Pending) -> dict[str, Any]:
        """The columns of the complaint a row becomes that differ from the model's defaults."""
        clean, row = p.clean, p.row
        closed_at = None
        if row.status in (Status.CLOSED, Status.ARCHIVED):
            closed_at = row.closed_at or clean["received_at"]
        category = clean["category"]
        values = {k: clean[k] for k in _COPIED}
        values.update(
            number=p.number,
            status=str(row.status),
            customer_id=p.customer.pk,
            category_id=category.pk if category else None,
            closed_at=closed_at,
            archived_at=closed_at if row.status == Status.ARCHIVED else None,
            review_state=str(ReviewState.NOT_NEEDED),
            created_by_id=self.actor.pk if self.actor else None,
            created_at=self.now,
            updated_at=self.now,
        )
        values["search_text"] = search_text_for(_Document(values, p.customer))  # type: ignore[arg-type]
        return values

    def _number(self, batch: list[_Pending]) -> None:
        by_day: dict[dt.date, list[_Pending]] = defaultdict(list)
        for p in batch:
            by_day[timezone.localdate(p.clean["received_at"])].append(p)
        firsts = reserve(self.prefix, {day: len(rows) for day, rows in by_day.items()})
        for day, rows in by_day.items():
            rows.sort(key=lambda p: (p.clean["received_at"], p.row.row))
            for offset, p in enumerate(rows):
                p.number = f"{self.prefix}-{day:%Y%m%d}-{firsts[day] + offset:05d}"

    def _attach_customers(self, batch: list[_Pending]) -> None:
        """Each row's customer: one on file (external id, then phone, then e-mail, as an intake looks), one made
        by an earlier row, or a new one; new ones inserted in one statement, the returning ones marked existing.
        What is remembered of each customer across batches is a _Person (a few fields), not a model instance."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for p in batch:
            for key, value in _keys(p.clean):
                if (key, value) not in self._looked_up:
                    wanted[key].add(value)
        for key, values in wanted.items():
            chunk = sorted(values)
            for start in range(0, len(chunk), 500):
                part = chunk[start : start + 500]
                found = Customer.objects.filter(**{f"{key}__in": part}).values_list(
                    "pk", "name", "company", "relationship", "phone", key
                )
                for pk, name, company, relationship, phone, value in found:
                    person = self._people.get(pk) or _Person(pk, name, company, relationship, phone, seen=True)
                    self._people[pk] = person
                    self._customers.setdefault((key, value), person)
            self._looked_up.update((key, v) for v in values)
        new: list[tuple[_Person, Customer]] = []
        returning: list[int] = []
        for p in batch:
            keys = _keys(p.clean)
            person = next((self._customers[k] for k in keys if k in self._customers), None)
            if person is None:
                clean = p.clean
                customer = Customer(
                    name=clean["customer_name"],
                    kind=clean["customer_kind"] or CustomerKind.CONSUMER,
                    id_number=clean["customer_id_number"],
                    company=clean["customer_company"],
                    relationship=clean["customer_relationship"] or Relationship.NEW,
                    created_by=self.actor,
                )
                person = _Person(None, customer.name, customer.company, customer.relationship, "", seen=False)
                for key, value in keys:
                    if (key, value) not in self._customers:  # a key another customer holds stays empty here
                        setattr(customer, key, value)
                        self._customers[(key, value)] = person
                person.phone = customer.phone  # found by it in search (its last four digits and keyed hash)
                new.append((person, customer))
            elif person.seen and person.relationship == Relationship.NEW:
                person.relationship = Relationship.EXISTING
                if person.pk is not None:
                    returning.append(person.pk)
            person.seen = True
            p.customer = person
        if new:
            # A customer who comes back within the batch is created "existing".
            for person, customer in new:
                customer.relationship = person.relationship
            Customer.objects.bulk_create([customer for _person, customer in new], batch_size=500)
            for person, customer in new:
                person.pk = customer.pk
                self._people[customer.pk] = person
        if returning:
            Customer.objects.filter(pk__in=returning, relationship=Relationship.NEW).update(
                relationship=Relationship.EXISTING, updated_at=self.now
            )


class _Person:
    """What an import keeps of a customer: the key of the complaints, what their search document names (the
    phone too), and whether they have a complaint already (then a second one makes them "existing")."""

    __slots__ = ("company", "name", "phone", "pk", "relationship", "seen")

    def __init__(self, pk: int | None, name: str, company: str, relationship: str, phone: str, *, seen: bool) -> None:
        self.pk, self.name, self.company, self.relationship, self.seen = pk, name, company, relationship, seen
        self.phone = phone or ""


class _Document:
    """What the search document reads of a complaint (kesu.search.documents.complaint_fields), without a model."""

    def __init__(self, values: dict[str, Any], customer: _Person) -> None:
        self.__dict__.update(values)
        self.customer = customer


class _RawInsert:
    """Multi-row INSERT … RETURNING id into a model's table from {attname: value} rows, every other column its
    default: what bulk_create does without its per-value machinery (70 columns × 100,000 rows). Both databases
    return the ids in the order of the rows, as Django's bulk_create relies on too."""

    def __init__(self, model) -> None:
        ops = connection.ops
        self.model = model
        self.attnames: list[str] = []
        self.adapters: list[Callable[[Any], Any]] = []
        self.defaults: list[Any] = []
        columns = []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            if isinstance(f, models.DateTimeField):
                adapter: Callable[[Any], Any] = ops.adapt_datetimefield_value
            elif isinstance(f, models.JSONField):
                adapter = _json
            elif isinstance(f, models.DecimalField):
                adapter = partial(
                    ops.adapt_decimalfield_value, max_digits=f.max_digits, decimal_places=f.decimal_places
                )
            else:
                adapter = _plain
            if f.has_default():
                default = f.get_default()
            elif f.null:
                default = None
            elif isinstance(f, (models.CharField, models.TextField)):
                default = ""
            else:
                default = None  # a column every row gives (the customer, the times): NULL would be refused
            columns.append(f.column)
            self.attnames.append(f.attname)
            self.adapters.append(adapter)
            self.defaults.append(adapter(default))
        quote = ops.quote_name
        self.head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) VALUES "
        self.one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        self.tail = f" RETURNING {quote(model._meta.pk.column)}"
        # SQLite allows 32,766 parameters in a statement, PostgreSQL 65,535.
        self.per_statement = max(1, 30_000 // len(columns))

    def insert(self, rows: list[dict[str, Any]]) -> list[int]:
        ids: list[int] = []
        plan = list(zip(self.attnames, self.adapters, self.defaults, strict=True))
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.per_statement):
                part = rows[start : start + self.per_statement]
                params: list[Any] = []
                for values in part:
                    params.extend(adapt(values[name]) if name in values else default for name, adapt, default in plan)
                cursor.execute(self.head + ", ".join([self.one] * len(part)) + self.tail, params)
                ids.extend(pk for (pk,) in cursor.fetchall())
        if len(ids) != len(rows):  # pragma: no cover - a driver that answers RETURNING differently
            raise RuntimeError("the insert returned fewer ids than rows")
        return ids


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _json(value: Any) -> Any:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _keys(clean: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (key, clean[f"customer_{key}"]) for key in ("external_id", "phone", "email") if clean.get(f"customer_{key}")
    ]


__all__ = ["IMPORT_STATES", "ImportResult", "ImportRow", "Importer"]
