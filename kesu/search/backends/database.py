"""Search in the database itself: an FTS5 table on SQLite, a GIN index on PostgreSQL.

Both index Complaint.search_text, the token document written by the complaint's actions, and both keep
themselves in sync: SQLite through triggers on complaints_complaint feeding an external-content FTS5
table (the text is stored once), PostgreSQL through an expression index over the document's tokens
(array_to_tsvector, not to_tsvector: neither the database's locale nor its text-search parser can split
or drop Chinese characters differently from the query). Ranking is BM25 over the page's documents."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from ..documents import complaint_document
from ..tokens import Term, fts5_query, tsquery

TABLE = "complaints_complaint"
FTS = "search_complaint_fts"
PG_INDEX = "search_complaint_tokens_gin"
# The document's tokens as a tsvector of lexemes without positions: built-in C functions only (ten times
# faster to index and to filter than composing `tok:position` literals), no parser, no locale. Position
# is checked, for the few candidates GIN leaves, on search_text itself (see _phrase).
PG_TOKENS = "array_to_tsvector(array_remove(string_to_array({column}, ' '), ''))"
PG_VECTOR = PG_TOKENS.format(column=f'"{TABLE}"."search_text"')

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

# Up to this many expected matches are collected first and paged by id (see DatabaseBackend.filter).
PG_FEW = 10_000
PG_STATS_SECONDS = 300
_STATS: dict[str, tuple[float, float, dict[str, float], float]] = {}


def _token_stats(using: str) -> tuple[float, dict[str, float], float]:
    """(complaints, {token: share of complaints holding it}, share below which a token is not listed),
    from the statistics ANALYZE keeps on the index expression; read at most every PG_STATS_SECONDS."""
    now = time.monotonic()
    known = _STATS.get(using)
    if known and now - known[0] < PG_STATS_SECONDS:
        return known[1:]
    with connections[using].cursor() as cur:
        cur.execute(
            "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = %s WHERE c.relname = %s",
            [PG_INDEX, TABLE],
        )
        row = cur.fetchone()
    rows, elems, freqs = row if row else (0.0, None, None)
    shares = dict(zip(elems or [], freqs or [], strict=False))
    floor = min(shares.values()) if shares else 0.0
    _STATS[using] = (now, float(rows or 0), shares, floor)
    return float(rows or 0), shares, floor


def _expected_matches(using: str, terms: list[Term]) -> tuple[float, list[Term]]:
    """An estimate of how many complaints match: per term its rarest token (a phrase's bigrams go
    together, so the rarest bounds the phrase), the terms taken as independent of each other. The
    planner's own estimate multiplies a phrase's bigrams as if independent, and took 地板都泡了 (14 % of
    complaints) for 400 rows. Without statistics (a table never analysed) the answer is 0: few.
    Also returns each term's rarest token as a one-token term (for the index test of many matches)."""
    rows, shares, floor = _token_stats(using)
    share = 1.0
    rarest: list[Term] = []
    for term in terms:
        candidates = []
        for n, tok in enumerate(term.tokens):
            if term.prefix and n == len(term.tokens) - 1:
                candidates.append(min(1.0, max(floor, sum(f for e, f in shares.items() if e.startswith(tok)))))
            else:
                candidates.append(shares.get(tok, floor))
        n = min(range(len(candidates)), key=candidates.__getitem__)
        last = n == len(term.tokens) - 1
        rarest.append(Term(tokens=(term.tokens[n],), prefix=term.prefix and last, text=term.text))
        share *= candidates[n]
    return (share * rows if rows > 0 and shares else 0.0), rarest


PG_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} USING gin (({PG_TOKENS.format(column='search_text')}))"
)


# How many tokens ANALYZE lists for `_expected_matches`: at the default target (100) a million complaints list
# ~1,000, the rarest at ~1.7 %, so every unlisted (rare) token looked common and the search walked the table.
PG_STATISTICS_SQL = f"ALTER INDEX {PG_INDEX} ALTER COLUMN 1 SET STATISTICS 1000"


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
            cur.execute(PG_INDEX_SQL)
            cur.execute(PG_STATISTICS_SQL)


def uninstall(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            cur.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif connection.vendor == "postgresql":
            cur.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


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


def _phrase(term: Term, *, opaque: bool = False) -> RawSQL:
    """A term's tokens adjacent and in order in the token document: a substring of it, from a token's
    start (tokens are letters and digits, so nothing in the pattern is a LIKE wildcard)."""
    pattern = "% " + " ".join(term.tokens) + ("%" if term.prefix else " %")
    sql = f"(' ' || \"{TABLE}\".\"search_text\" || ' ') LIKE %s"
    return RawSQL(
        f"CASE WHEN {sql} THEN true ELSE false END" if opaque else sql, [pattern], output_field=BooleanField()
    )


def _occurrences(doc: list[str], term: Term) -> int:
    k = len(term.tokens)
    head, last = term.tokens[:-1], term.tokens[-1]
    count = 0
    for i in range(len(doc) - k + 1):
        if tuple(doc[i : i + k - 1]) == head and (
            doc[i + k - 1].startswith(last) if term.prefix else doc[i + k - 1] == last
        ):
            count += 1
    return count


def bm25(docs: dict[int, list[str]], terms: list[Term], *, k1: float = 1.2, b: float = 0.75) -> dict[int, float]:
    """Okapi BM25 of each document for the terms (each term a phrase, occurrences counted as its term
    frequency), the document lengths relative to these documents' mean. Every document here matched
    every term, so the terms' inverse document frequency is taken as equal."""
    if not docs:
        return {}
    mean = sum(len(d) for d in docs.values()) / len(docs) or 1.0
    scores = {}
    for key, doc in docs.items():
        norm = k1 * (1 - b + b * len(doc) / mean)
        score = 0.0
        for term in terms:
            tf = _occurrences(doc, term)
            score += tf * (k1 + 1) / (tf + norm) if tf else 0.0
        scores[key] = score
    return scores


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
            # PostgreSQL prices the tsvector test as nearly free, so for a newest-first page it walks the
            # primary key backwards testing each row: right for a common word (a match every few rows),
            # slow for one in a thousand. When the index statistics say the matches are few, they are collected
            # once through the GIN bitmap (an uncorrelated ARRAY subquery, planned apart from the LIMIT)
            # and the page is read by primary key.
            manager = qs.model._base_manager.db_manager(qs.db)
            expected, rarest = _expected_matches(manager.db, terms)
            if expected <= PG_FEW:
                inner, params = manager.filter(self._pg_condition(terms)).values_list("id").query.sql_with_params()
                return qs.filter(RawSQL(f'"{TABLE}"."id" = ANY(ARRAY({inner}))', params, output_field=BooleanField()))
            # Many matches: the index test on each term's rarest token (which the planner estimates
            # right), the phrases checked in a CASE, which it takes for one row in two instead of
            # multiplying bigrams; so it walks the primary key and stops at the page's end (地板都泡了 at a
            # million complaints: 1.5 ms instead of a 4-second bitmap scan over 143,000 rows).
            return qs.filter(self._pg_condition(rarest, phrases=terms, opaque=True))
        # Any other database: the same token semantics, without an index.
        cond = Q()
        for t in terms:
            cond &= Q(search_text__contains=" ".join(t.tokens))
        return qs.filter(cond)

    @staticmethod
    def _pg_condition(terms: list[Term], *, phrases: list[Term] | None = None, opaque: bool = False) -> Q:
        cond = Q(RawSQL(f"{PG_VECTOR} @@ %s::tsquery", [tsquery(terms)], output_field=BooleanField()))
        for term in phrases if phrases is not None else terms:
            if len(term.tokens) > 1:
                cond &= Q(_phrase(term, opaque=opaque))
        return cond

    def scores(self, items: Sequence[Any], terms: list[Term]) -> dict[int, float]:
        """BM25 over the page's own documents, rebuilt from the fields already loaded (no query), rather
        than FTS5's bm25()/ts_rank: bm25() first counts every match of every phrase in the whole table
        (hundreds of milliseconds for a common phrase at a million complaints), and one scorer ranks
        alike on SQLite and PostgreSQL."""
        if not items or not terms:
            return {}
        return bm25({c.id: complaint_document(c).split(" ") for c in items}, terms)

    def index(self, complaints: Iterable[Any]) -> int:
        return 0

    def rebuild(self) -> None:
        install(self.connection)
        rebuild_index(self.connection)
