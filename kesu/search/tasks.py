"""Background job of the search package: only when an external engine (OpenSearch) holds the index,
copy the complaints changed since its last run, every minute. The database index needs no job."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import indexing
from .backends import backend_name

if backend_name() == "opensearch":

    @db_periodic_task(crontab(minute="*"))
    def search_sync_every_minute() -> str:
        return f"indexed={indexing.sync()}"
