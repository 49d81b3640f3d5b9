from django.core.management.base import BaseCommand
from django.utils import timezone

from kesu.sla import sweep


class Command(BaseCommand):
    help = "Run one pass of the SLA job now: reminders, breaches, escalations, penalties (idempotent)."

    def handle(self, *args, **options):
        result = sweep.run(now=timezone.now())
        self.stdout.write(f"sla sweep: {result}")
