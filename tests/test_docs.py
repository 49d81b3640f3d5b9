"""The documentation a new user reads first stays true to the code."""

import re
from pathlib import Path

from kesu.complaints import demo_data
from kesu.complaints.states import mermaid

ROOT = Path(__file__).resolve().parent.parent


def test_the_state_diagram_in_the_docs_is_the_transition_table():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```mermaid\n(.*?)```", doc, flags=re.S)
    assert len(blocks) == 1, "docs/architecture.md has one mermaid block: the lifecycle"
    assert blocks[0].strip() == mermaid().strip(), (
        "docs/architecture.md is out of date: paste the output of `.venv/bin/python -m kesu.complaints.states`"
    )


def test_the_readme_lists_the_demo_logins_that_load_demo_creates():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \|.*\| `(\S+)` \|$", readme, flags=re.M)
    assert {username for username, _password in rows} == {u[0] for u in demo_data.USERS}
    assert {password for _username, password in rows} == {demo_data.DEMO_PASSWORD}


def test_the_readme_documents_every_environment_variable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = set()
    for source in [ROOT / "kesu" / "settings.py", ROOT / "kesu" / "worker.py"]:
        used |= set(re.findall(r"""environ\.get\(\s*["'](\w+)["']""", source.read_text(encoding="utf-8")))
    missing = sorted(name for name in used if f"`{name}`" not in readme)
    assert not missing, f"README.md, section Configuration: document {', '.join(missing)}"
