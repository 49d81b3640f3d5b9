from django.core.management.base import BaseCommand
from django.utils import timezone

from kesu.notifications import delivery


class Command(BaseCommand):
    help = "Send the e-mails and webhook calls that are due now (what the background worker does every minute)."

    def handle(self, *args, **options):
        result = delivery.deliver_due(clock=timezone.now)
        self.stdout.write(f"deliveries: {result}")
