"""The search interface and its OpenSearch adapter: what it sends (always), and how it answers on a real
cluster (when OPENSEARCH_URL names one; skipped otherwise)."""

import os
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from kesu.search import backends
from kesu.search.backends import opensearch
from kesu.search.backends.database import DatabaseBackend, bm25
from kesu.search.tokens import parse_query

from .factories import make_complaint


def test_the_setting_chooses_the_backend(settings):
    settings.SEARCH_BACKEND, settings.SEARCH_URL = "", ""
    assert backends.backend_name() == "database"
    assert isinstance(backends.get_backend(), DatabaseBackend)
    settings.SEARCH_URL = "http://search.example:9200"
    assert backends.backend_name() == "opensearch"
    settings.SEARCH_BACKEND = "database"
    assert backends.backend_name() == "database"
    settings.SEARCH_BACKEND = "elastic"
    with pytest.raises(ImproperlyConfigured):
        backends.get_backend()


def test_bm25_prefers_more_occurrences_in_a_shorter_document():
    terms = parse_query("漏水")
    docs = {1: ["漏水", "水"], 2: ["漏水", "水", "漏水", "水", "漏水", "水"], 3: ("漏水 水 " + "甲乙 " * 40).split()}
    scores = bm25(docs, terms)
    assert scores[2] > scores[1] > scores[3] > 0


def test_the_mapping_analyses_chinese_as_bigrams_with_a_unigram_field():
    body = opensearch.INDEX_BODY
    assert body["settings"]["analysis"]["analyzer"]["kesu_cjk"]["filter"] == ["cjk_width", "lowercase", "cjk_bigram"]
    text = body["mappings"]["properties"]["text"]
    assert text["analyzer"] == "kesu_cjk" and text["position_increment_gap"] >= 100
    assert text["fields"]["uni"]["analyzer"] == "kesu_unigram"


def test_the_query_is_a_phrase_per_term_a_prefix_for_codes_and_the_unigram_field_for_one_character():
    body = opensearch.search_body(parse_query("漏水 SO-2026 水 一直漏水"))
    assert body["query"]["bool"]["filter"] == [
        {"match_phrase": {"text": {"query": "漏水"}}},
        {"match_phrase_prefix": {"text": {"query": "so 2026", "max_expansions": 200}}},
        {"match_phrase": {"text.uni": {"query": "水"}}},
        {"match_phrase": {"text": {"query": "一直漏水"}}},
    ]
    assert body["sort"] == [{"id": "desc"}] and body["size"] == opensearch.MAX_HITS
    # Query syntax is never passed through: only the words of each term.
    weird = opensearch.search_body(parse_query('漏水" OR *:* ('))
    assert weird["query"]["bool"]["filter"][0] == {"match_phrase": {"text": {"query": "漏水"}}}
    assert len(weird["query"]["bool"]["filter"]) == 2  # 漏水 and "or"


def test_a_document_holds_each_field_apart(users):
    c = make_complaint(users["agent"], title="冰箱漏水", order_no="SO-1", legacy_no="OA-9")
    doc = opensearch.document_of(c)
    assert doc["id"] == c.id and doc["number"] == c.number
    assert doc["text"][:3] == [c.number, "OA-9", "冰箱漏水"] and "SO-1" in doc["text"]


class FakeClient:
    """Records what the adapter asks; answers like OpenSearch would with these hits (id, score)."""

    def __init__(self, hits):
        self.hits = hits
        self.calls = []

    def search(self, index, body):
        self.calls.append(body)
        return {"hits": {"hits": [{"_id": str(i), "_score": score} for i, score in self.hits]}}


def test_the_adapter_filters_the_list_by_the_ids_the_cluster_returns(users):
    from kesu.complaints.models import Complaint

    a = make_complaint(users["agent"], title="甲")
    b = make_complaint(users["agent"], title="乙")
    client = FakeClient([(b.id, 1.5)])
    backend = opensearch.OpenSearchBackend(client, "kesu-test")
    terms = parse_query("漏水")
    assert list(backend.filter(Complaint.objects.all(), terms).values_list("id", flat=True)) == [b.id]
    assert backend.scores([a, b], terms) == {b.id: 1.5}
    assert client.calls[-1]["query"]["bool"]["filter"] == [{"ids": {"values": [str(a.id), str(b.id)]}}]


@pytest.fixture
def cluster(settings):
    url = os.environ.get("OPENSEARCH_URL")
    if not url:
        pytest.skip("OPENSEARCH_URL names no OpenSearch cluster")
    from opensearchpy import OpenSearch

    client = OpenSearch(hosts=[url], timeout=10)
    try:
        client.info()
    except Exception as exc:
        pytest.skip(f"OpenSearch at {url} is not reachable: {exc}")
    name = f"kesu-test-{uuid.uuid4().hex[:8]}"
    settings.SEARCH_BACKEND, settings.SEARCH_URL, settings.SEARCH_INDEX = "opensearch", url, name
    backends._backend.cache_clear()
    yield opensearch.OpenSearchBackend(client, name)
    client.indices.delete(index=name, ignore_unavailable=True)
    backends._backend.cache_clear()


def test_on_a_real_cluster_words_phrases_codes_and_characters_match(cluster, users):
    from kesu.complaints.selectors import ComplaintFilters, complaint_list
    from kesu.search import indexing

    agent = users["agent"]
    leak = make_complaint(agent, title="冰箱漏水", description="一直漏水，地板都泡了", order_no="SO-2026-0042")
    split = make_complaint(agent, title="杯子", description="盖子会漏。水杯没坏")
    make_complaint(agent, title="空调异响", description="夜里吵")
    cluster.rebuild()
    assert indexing.sync() >= 1  # idempotent: the newest rows again

    def found(q):
        return set(complaint_list(user=agent, filters=ComplaintFilters(q=q)).values_list("number", flat=True))

    assert found("漏水") == {leak.number}
    assert found("水杯") == {split.number}
    assert found("一直漏水") == {leak.number}
    assert found("so-2026") == {leak.number}
    assert found("吵") != set()
    assert found("漏水 空调") == set()
