from django.core.management.base import BaseCommand

from kesu.search.backends import backend_name
from kesu.search.indexing import reindex


class Command(BaseCommand):
    help = "Recompute the search text of every complaint in batches and rebuild the search index."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, verbosity: int, **options):
        def progress(last_id: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"… {last_id}")

        changed = reindex(batch_size=max(1, batch_size), progress=progress)
        self.stdout.write(f"reindexed backend={backend_name()} changed={changed}")
