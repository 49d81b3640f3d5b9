"""One customer per phone, e-mail and external id (the unique indexes follow in 0006).

Before the unique indexes exist, customers that share a key (left behind by concurrent intakes) are
merged into the oldest record: their complaints (and any other row pointing at them) move to it, and the
survivor takes the fields it lacked and the highest relationship. Records that share one key but carry
different values of another (two phones for one e-mail) are not guessed at: the migration stops and
names them, to be resolved in the admin first.
"""

from django.db import migrations

KEYS = ("phone", "email", "external_id")
FILLED = ("phone", "email", "external_id", "id_number", "company")
RANK = {"new": 0, "existing": 1, "vip": 2}


def merge_duplicates(apps, schema_editor):
    Customer = apps.get_model("complaints", "Customer")
    rows = list(Customer.objects.order_by("id").values("id", *FILLED, "relationship"))
    parent = {r["id"]: r["id"] for r in rows}

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple[str, str], int] = {}
    for r in rows:
        for key in KEYS:
            value = (r[key] or "").strip()
            if not value:
                continue
            other = first_with.setdefault((key, value), r["id"])
            a, b = root(other), root(r["id"])
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[dict]] = {}
    for r in rows:
        groups.setdefault(root(r["id"]), []).append(r)
    groups = {k: v for k, v in groups.items() if len(v) > 1}
    if not groups:
        return
    conflicts = []
    for members in groups.values():
        for key in KEYS:
            values = {(m[key] or "").strip() for m in members} - {""}
            if len(values) > 1:
                conflicts.append(f"customers {sorted(m['id'] for m in members)} have different {key}s {sorted(values)}")
    if conflicts:
        raise RuntimeError(
            "Cannot make customer phone/e-mail/external id unique: some duplicate customers disagree. "
            "Merge or correct them in the admin, then migrate again: " + "; ".join(conflicts)
        )
    relations = [
        f
        for f in Customer._meta.get_fields()
        if (f.one_to_many or f.one_to_one) and f.auto_created and not f.concrete and f.related_model is not None
    ]
    for survivor_id, members in groups.items():
        survivor = Customer.objects.get(pk=survivor_id)
        others = [m["id"] for m in members if m["id"] != survivor_id]
        for rel in relations:
            rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": others}).update(
                **{rel.field.name: survivor_id}
            )
        for attr in FILLED:
            if not getattr(survivor, attr):
                setattr(survivor, attr, next((m[attr] for m in members if m[attr]), ""))
        survivor.relationship = max((m["relationship"] for m in members), key=lambda v: RANK.get(v, 0))
        Customer.objects.filter(pk__in=others).delete()
        survivor.save()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_complaint_major_round"),
    ]

    operations = [
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
    ]
