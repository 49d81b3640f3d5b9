from django.core.management.base import BaseCommand

from kesu.scripts import starter
from kesu.scripts.models import Script


class Command(BaseCommand):
    help = "Load (or refresh) the starter set of scripts (话术) and macros. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only when the library holds no script yet (so a curated library is never overwritten).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Script.objects.exists():
            self.stdout.write("The scripts library is already filled; nothing changed.")
            return
        scripts, macros = starter.load()
        self.stdout.write(f"{scripts} scripts and {macros} macros loaded.")
