from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kesu.core.errors import DomainError
from kesu.reports import mailing, periods


class Command(BaseCommand):
    help = (
        "E-mail the weekly report or the monthly summary to its recipients now (the period before today unless "
        "--period is given). Each recipient receives a period's report once; --dry-run lists who would."
    )

    def add_arguments(self, parser):
        kind = parser.add_mutually_exclusive_group(required=True)
        kind.add_argument("--weekly", action="store_const", dest="kind", const="weekly")
        kind.add_argument("--monthly", action="store_const", dest="kind", const="monthly")
        parser.add_argument("--period", default="", help="2026-W49 (--weekly) or 2026-12 (--monthly)")
        parser.add_argument("--dry-run", action="store_true", help="list the recipients; send and record nothing")

    def handle(self, *args, kind, period, dry_run, **options):
        now = timezone.now()
        try:
            chosen = periods.parse(kind, period, field="period") if period else periods.previous(kind, now=now)
        except DomainError as exc:
            raise CommandError(f"--period: {exc.message}") from exc
        outcome = mailing.send_period(chosen, now=now, dry_run=dry_run, again=True)
        for address in outcome.planned:
            self.stdout.write(f"would send {kind} {chosen.key} to {address}")
        for address in outcome.sent:
            self.stdout.write(f"sent {kind} {chosen.key} to {address}")
        for address in outcome.failed:
            self.stderr.write(f"failed {kind} {chosen.key} to {address}")
        self.stdout.write(str(outcome))
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} deliveries failed; see the report deliveries in the admin")
