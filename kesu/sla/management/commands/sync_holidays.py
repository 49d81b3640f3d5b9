from django.core.management.base import BaseCommand, CommandError

from kesu.sla.calendar_store import sync_official
from kesu.sla.models import BusinessCalendar


class Command(BaseCommand):
    help = "Add the public holidays and make-up working days the installed chinesecalendar package knows."

    def add_arguments(self, parser):
        parser.add_argument("--calendar", default="", help="calendar code (default: the default calendar)")

    def handle(self, *args, calendar, **options):
        qs = (
            BusinessCalendar.objects.filter(code=calendar)
            if calendar
            else BusinessCalendar.objects.filter(is_default=True)
        )
        row = qs.first()
        if row is None:
            raise CommandError(f"calendar: no calendar {calendar or '(default)'}")
        added = sync_official(row)
        self.stdout.write(f"{row.code}: {added} days added")
