"""Search in the database itself: an FTS5 table on SQLite, a GIN index on PostgreSQL.

Both index Complaint.search_text, the token document written by the complaint's actions, and both keep
themselves in sync: SQLite through triggers on complaints_complaint feeding an external-content FTS5
table (the text is stored once), PostgreSQL through an expression index. The tsvector is built from the
tokens by a SQL function casting `tok:position` literals, not by to_tsvector, so neither the database's
locale nor its text-search parser can split or drop Chinese characters differently from the query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from ..tokens import Term, fts5_query, tsquery

TABLE = "complaints_complaint"
FTS = "search_complaint_fts"
PG_FUNCTION = "kesu_search_vector"
PG_INDEX = "search_complaint_vector_gin"
PG_VECTOR = f'{PG_FUNCTION}("{TABLE}"."search_text")'

# prefix='3': one Chinese character is three bytes of UTF-8, so a one-character query reads one prefix
# index entry instead of merging the lists of every bigram it starts.
SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    f"search_text, content='{TABLE}', content_rowid='id', prefix='3')"
)
SQLITE_TRIGGERS = {
    f"{FTS}_insert": f"""CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON {TABLE} BEGIN
  INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
END""",
    f"{FTS}_delete": f"""CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON {TABLE} BEGIN
  INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END""",
    f"{FTS}_update": f"""CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF search_text ON {TABLE}
WHEN old.search_text IS NOT new.search_text BEGIN
  INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
END""",
}

# Positions above 16383 are PostgreSQL's limit; tokens are letters, digits and one private-use break,
# quoted anyway.
PG_FUNCTION_SQL = f"""CREATE OR REPLACE FUNCTION {PG_FUNCTION}(doc text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(
    '''' || replace(replace(t.tok, '\\', '\\\\'), '''', '''''') || ''':' || least(t.pos, 16383), ' '
  ), '')::tsvector
  FROM unnest(string_to_array(doc, ' ')) WITH ORDINALITY AS t(tok, pos)
  WHERE t.tok <> ''
$$"""
PG_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} USING gin ({PG_FUNCTION}(search_text))"


def install(connection) -> None:
    """Create the index (idempotent); the caller fills it (`rebuild`)."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(SQLITE_TABLE)
            for sql in SQLITE_TRIGGERS.values():
                cur.execute(sql)
        elif connection.vendor == "postgresql":
            # Rows just rewritten in this transaction leave deferred foreign-key checks queued, and
            # PostgreSQL refuses to index a table with pending trigger events: run them now.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(PG_FUNCTION_SQL)
            cur.execute(PG_INDEX_SQL)


def uninstall(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            cur.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif connection.vendor == "postgresql":
            cur.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
            cur.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}(text)")


def rebuild_index(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(f"REINDEX INDEX {PG_INDEX}")
            cur.execute(f"ANALYZE {TABLE}")


def repair(connection) -> bool:
    """On SQLite, put back triggers a table rebuild dropped (Django's SQLite schema editor recreates a
    table for most field changes, and its triggers go with the old one) and refill the index.
    True when something was repaired."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT type, name FROM sqlite_master WHERE name LIKE %s", [f"{FTS}%"])
        present = {name for _type, name in cur.fetchall()}
    if FTS not in present or set(SQLITE_TRIGGERS) <= present:
        return False
    install(connection)
    rebuild_index(connection)
    return True


class DatabaseBackend:
    name = "database"

    def __init__(self, using: str = "default") -> None:
        self.using = using

    @property
    def connection(self):
        return connections[self.using]

    def filter(self, qs: QuerySet, terms: list[Term]) -> QuerySet:
        vendor = connections[qs.db].vendor
        if vendor == "sqlite":
            match = RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [fts5_query(terms)])
            return qs.filter(id__in=match)
        if vendor == "postgresql":
            return qs.filter(RawSQL(f"{PG_VECTOR} @@ %s::tsquery", [tsquery(terms)], output_field=BooleanField()))
        # Any other database: the same token semantics, without an index.
        cond = Q()
        for t in terms:
            cond &= Q(search_text__contains=" ".join(t.tokens))
        return qs.filter(cond)

    def scores(self, ids: Sequence[int], terms: list[Term]) -> dict[int, float]:
        ids = [int(i) for i in ids]
        if not ids or not terms:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        with self.connection.cursor() as cur:
            if self.connection.vendor == "sqlite":
                # bm25 is smaller for a better match.
                cur.execute(
                    f"SELECT rowid, -bm25({FTS}) FROM {FTS} WHERE {FTS} MATCH %s AND rowid IN ({marks})",
                    [fts5_query(terms), *ids],
                )
            elif self.connection.vendor == "postgresql":
                # Normalisation 1: divided by 1 + log(length), so a long description does not win by size.
                cur.execute(
                    f"SELECT id, ts_rank({PG_VECTOR}, %s::tsquery, 1) FROM {TABLE} WHERE id IN ({marks})",
                    [tsquery(terms), *ids],
                )
            else:
                return {}
            return {row[0]: float(row[1]) for row in cur.fetchall()}

    def index(self, complaints: Iterable[Any]) -> int:
        return 0

    def rebuild(self) -> None:
        install(self.connection)
        rebuild_index(self.connection)
