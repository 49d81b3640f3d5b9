from django.core.management.base import BaseCommand, CommandError

from kesu.rules import playbooks


class Command(BaseCommand):
    help = "Load a playbook preset (types, rules, SLA clocks, routing, escalation) and make it the active one."

    def add_arguments(self, parser):
        parser.add_argument("name", help="manufacturing | retail | service")
        parser.add_argument(
            "--if-none-active", action="store_true", help="only when no playbook is active yet (used by `make run`)"
        )

    def handle(self, *args, name, if_none_active=False, **options):
        active = playbooks.active_playbook()
        if if_none_active and active is not None:
            self.stdout.write(f"playbook {active.code} is active; nothing loaded")
            return
        try:
            result = playbooks.load(name)
        except playbooks.PlaybookError as exc:
            raise CommandError(str(exc)) from exc
        state = "loaded" if result.changed else "already active, unchanged"
        self.stdout.write(
            f"playbook {name}: {state} (rule set v{result.ruleset_version}, {result.playbook.clocks.count()} clocks)"
        )
