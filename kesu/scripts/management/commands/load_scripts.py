from django.core.management.base import BaseCommand

from kesu.scripts import starter


class Command(BaseCommand):
    help = "Load (or refresh) the starter set of scripts (话术) and macros. Safe to run again."

    def handle(self, *args, **options):
        scripts, macros = starter.load()
        self.stdout.write(f"{scripts} scripts and {macros} macros loaded.")
