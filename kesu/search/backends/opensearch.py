"""Search on an OpenSearch cluster (opensearch-py): for deployments that already run one, or that want
relevance over the whole match set. The database stays the record; this index is a copy, brought up to
date by the worker every minute (`kesu.search.tasks`) and rebuilt by `manage.py search_reindex`.

Chinese is analysed like the database index: the standard tokenizer, width folding, lower case and
cjk_bigram on `text` (two-character words are one token, phrases adjacent bigrams), plus a unigram
sub-field `text.uni` for one-character queries. The fields of a complaint are the values of one array
field, so the position gap between them keeps a phrase from running across two fields."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from ..documents import complaint_fields
from ..tokens import Term

# OpenSearch's default index.max_result_window: the newest this many matches are listable.
MAX_HITS = 10_000
FIELD_GAP = 100

INDEX_BODY: dict[str, Any] = {
    "settings": {
        "analysis": {
            "analyzer": {
                "kesu_cjk": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["cjk_width", "lowercase", "cjk_bigram"],
                },
                "kesu_unigram": {"type": "custom", "tokenizer": "standard", "filter": ["cjk_width", "lowercase"]},
            }
        }
    },
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "long"},
            "number": {"type": "keyword"},
            "updated_at": {"type": "date"},
            "text": {
                "type": "text",
                "analyzer": "kesu_cjk",
                "position_increment_gap": FIELD_GAP,
                "fields": {"uni": {"type": "text", "analyzer": "kesu_unigram", "position_increment_gap": FIELD_GAP}},
            },
        },
    },
}


def _is_single_cjk(term: Term) -> bool:
    return len(term.tokens) == 1 and term.prefix and len(term.tokens[0]) == 1 and not term.tokens[0].isascii()


def term_query(term: Term) -> dict[str, Any]:
    """The clause for one term: a phrase of its words (the analyzer makes the bigrams), a prefix when
    the term ends in a latin word or a single character; a lone Chinese character anywhere via `text.uni`."""
    if _is_single_cjk(term):
        return {"match_phrase": {"text.uni": {"query": term.tokens[0]}}}
    words = " ".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", term.text).lower()))
    if term.prefix:
        return {"match_phrase_prefix": {"text": {"query": words, "max_expansions": 200}}}
    return {"match_phrase": {"text": {"query": words}}}


def search_body(terms: list[Term], *, size: int = MAX_HITS) -> dict[str, Any]:
    """Ids of matching complaints, newest first (the list pages by id), without scoring."""
    return {
        "query": {"bool": {"filter": [term_query(t) for t in terms]}},
        "_source": False,
        "docvalue_fields": ["id"],
        "sort": [{"id": "desc"}],
        "size": size,
        "track_total_hits": False,
    }


def scores_body(ids: Sequence[int], terms: list[Term]) -> dict[str, Any]:
    return {
        "query": {
            "bool": {"must": [term_query(t) for t in terms], "filter": [{"ids": {"values": list(map(str, ids))}}]}
        },
        "_source": False,
        "size": len(ids),
    }


def document_of(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "number": c.number,
        "updated_at": c.updated_at.isoformat(),
        "text": [f for f in complaint_fields(c) if f],
    }


class OpenSearchBackend:
    name = "opensearch"

    def __init__(self, client: Any, index_name: str) -> None:
        self.client = client
        self.index_name = index_name

    @classmethod
    def from_settings(cls) -> OpenSearchBackend:
        from opensearchpy import OpenSearch

        url = settings.SEARCH_URL or "http://127.0.0.1:9200"
        return cls(OpenSearch(hosts=[url], timeout=10), settings.SEARCH_INDEX)

    def filter(self, qs: QuerySet, terms: list[Term]) -> QuerySet:
        found = self.client.search(index=self.index_name, body=search_body(terms))
        ids = [int(hit["_id"]) for hit in found["hits"]["hits"]]
        return qs.filter(id__in=ids)

    def scores(self, items: Sequence[Any], terms: list[Term]) -> dict[int, float]:
        ids = [c.id for c in items]
        if not ids or not terms:
            return {}
        found = self.client.search(index=self.index_name, body=scores_body(ids, terms))
        return {int(hit["_id"]): float(hit["_score"] or 0.0) for hit in found["hits"]["hits"]}

    def ensure_index(self) -> None:
        if not self.client.indices.exists(index=self.index_name):
            self.client.indices.create(index=self.index_name, body=INDEX_BODY)

    def index(self, complaints: Iterable[Any]) -> int:
        from opensearchpy import helpers

        self.ensure_index()
        actions = (
            {"_op_type": "index", "_index": self.index_name, "_id": str(c.id), "_source": document_of(c)}
            for c in complaints
        )
        done, _errors = helpers.bulk(self.client, actions, chunk_size=500, refresh="wait_for")
        return int(done)

    def last_updated_at(self) -> dt.datetime | None:
        """The newest updated_at in the index: where the next sync starts (None: an empty index)."""
        if not self.client.indices.exists(index=self.index_name):
            return None
        found = self.client.search(
            index=self.index_name, body={"size": 0, "aggs": {"last": {"max": {"field": "updated_at"}}}}
        )
        value = found["aggregations"]["last"].get("value_as_string")
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None

    def rebuild(self) -> None:
        from kesu.search.indexing import all_complaints

        if self.client.indices.exists(index=self.index_name):
            self.client.indices.delete(index=self.index_name)
        self.ensure_index()
        self.index(all_complaints())
