"""Fail when the Chinese catalogue is incomplete or its compiled .mo is stale (run by `make lint`).

Every string in the code goes through Django's translation machinery; zh_Hans is the default language,
so an untranslated or fuzzy entry would show English to a Chinese user.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = [ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / name for name in ("django.po", "djangojs.po")]


def entries(po_text: str):
    """Yield (flags, msgid, msgstr-or-plural-forms) for every entry but the header."""
    for block in re.split(r"\n\s*\n", po_text):
        lines = [ln for ln in block.strip().splitlines() if ln and not ln.startswith("#~")]
        if not lines:
            continue
        flags = " ".join(ln for ln in lines if ln.startswith("#,"))
        fields: dict[str, str] = {}
        current = None
        for ln in lines:
            if ln.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"$', ln)
            if m:
                current = m.group(1)
                fields[current] = m.group(2)
            elif ln.startswith('"') and current:
                fields[current] += ln[1:-1]
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        translations = [v for k, v in fields.items() if k.startswith("msgstr")]
        yield flags, fields.get("msgctxt", ""), fields["msgid"], translations


def missing_from_code() -> list[str]:
    """The strings of the code the Chinese catalogue does not translate yet: `makemessages` run over a copy of the
    code and catalogue (the tree itself is not touched), then what it left untranslated or fuzzy."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        for name in ("kesu", "locale", "playbooks"):
            if (ROOT / name).exists():
                shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        shutil.copy(ROOT / "manage.py", copy / "manage.py")
        env = {**os.environ, "KESU_VAR_DIR": str(copy / "var"), "DJANGO_SETTINGS_MODULE": "kesu.settings"}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--ignore=var"],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        po = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        for flags, ctxt, msgid, translations in entries(po.read_text(encoding="utf-8")):
            where = f"{ctxt + ' | ' if ctxt else ''}{msgid[:70]!r}"
            if "fuzzy" in flags or not translations or any(t == "" for t in translations):
                problems.append(f"in the code, not translated: {where} (run `make messages` and translate it)")
    return problems


def main() -> int:
    problems = missing_from_code() if shutil.which("msgfmt") else []
    for po in CATALOGUES:
        if not po.exists():
            if po.name == "django.po":
                problems.append(f"{po.relative_to(ROOT)} is missing")
            continue
        for flags, ctxt, msgid, translations in entries(po.read_text(encoding="utf-8")):
            where = f"{po.relative_to(ROOT)}: {ctxt + ' | ' if ctxt else ''}{msgid[:70]!r}"
            if "fuzzy" in flags:
                problems.append(f"fuzzy: {where}")
            elif not translations or any(t == "" for t in translations):
                problems.append(f"untranslated: {where}")
        mo = po.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{mo.relative_to(ROOT)} is missing: run `make messages`")
        elif shutil.which("msgfmt"):
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / "fresh.mo"
                subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
                if fresh.read_bytes() != mo.read_bytes():
                    problems.append(f"{mo.relative_to(ROOT)} is stale: run `make messages`")
    for problem in problems[:60]:
        print(problem)
    if len(problems) > 60:
        print(f"… and {len(problems) - 60} more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
