"""Full-text search over complaints (R-REP-5): the index, its query semantics, ranking and highlighting,
through the complaint list, the API and the inbox, on SQLite (FTS5) and PostgreSQL (GIN)."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.complaints import actions
from kesu.complaints.actions import CustomerInput
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import ComplaintFilters, complaint_list
from kesu.search.backends import database
from kesu.search.highlight import highlight, snippet
from kesu.search.selectors import matching
from kesu.search.tokens import FIELD_BREAK, document, fts5_query, parse_query, tsquery

from .factories import advance, make_complaint

# ---------------------------------------------------------------------------------------------
# The tokenizer (pure)


def test_chinese_becomes_bigrams_and_its_last_character_latin_stays_whole_words():
    assert document(["管道漏水", "SO-2026-0042 ＰＶＣ管"]) == f"管道 道漏 漏水 水 {FIELD_BREAK} so 2026 0042 pvc 管"


def test_punctuation_ends_a_chinese_run():
    assert document(["漏。水"]) == "漏 水"


def test_a_code_mixing_letters_and_digits_is_also_listed_by_its_parts():
    assert document(["订单TB889900"]).endswith(f"{FIELD_BREAK} tb 889900")


def test_query_terms():
    terms = parse_query("漏水  异响严重 水 B2405 so-2026-0042")
    assert [(t.tokens, t.prefix) for t in terms] == [
        (("漏水",), False),
        (("异响", "响严", "严重"), False),
        (("水",), True),
        (("b2405",), True),
        (("so", "2026", "0042"), True),
    ]


def test_query_syntax_characters_cannot_reach_the_engines():
    terms = parse_query('"漏水" OR) NEAR(* -x \' \\ ^ :*')
    assert fts5_query(terms) == '"漏水" AND "or" * AND "near" * AND "x" *'
    assert "'\\" not in tsquery(terms)
    assert parse_query('" * ( ) : ^ \x00 ！') == []


# ---------------------------------------------------------------------------------------------
# Matching through complaint_list


def found(user, q: str) -> set[str]:
    return set(complaint_list(user=user, filters=ComplaintFilters(q=q)).values_list("number", flat=True))


@pytest.fixture
def corpus(users):
    agent = users["agent"]
    return {
        "leak": make_complaint(agent, title="冰箱漏水", description="买了三天的冰箱一直漏水，地板都泡了。"),
        "noise": make_complaint(agent, title="空调异响", description="外机夜里有异响，吵得睡不着"),
        "split": make_complaint(agent, title="杯子问题", description="盖子会漏。水杯本身没坏"),
        "fields": make_complaint(agent, title="包装破损漏", description="水渍明显", product="电热水壶"),
        "cup": make_complaint(agent, title="漏水。杯子裂了", description="杯盖松动"),
        "order": make_complaint(
            agent,
            title="少发配件",
            description="配件少了一个",
            order_no="SO-2026-0042",
            batch_no="B240501",
            legacy_no="CRM-88123",
        ),
        "mixed": make_complaint(agent, title="APP无法连接WiFi", description="手机app提示网络错误E05"),
        "other": make_complaint(
            agent,
            title="态度差",
            description="客服挂电话",
            customer=CustomerInput(name="欧阳娜娜", phone="13911112222"),
        ),
    }


def test_a_two_character_word_is_found_wherever_it_stands(users, corpus):
    n = {k: c.number for k, c in corpus.items()}
    assert found(users["agent"], "漏水") == {n["leak"], n["cup"]}
    assert found(users["agent"], "异响") == {n["noise"]}
    assert found(users["agent"], "娜娜") == {n["other"]}


def test_no_match_across_punctuation_or_fields(users, corpus):
    n = {k: c.number for k, c in corpus.items()}
    # 漏。水 in "split", 漏 | 水 across title and description in "fields": neither is 漏水.
    assert n["split"] not in found(users["agent"], "漏水")
    assert n["fields"] not in found(users["agent"], "漏水")
    # 水杯 is in "split" (水杯本身) but not in "cup" (漏水。杯子).
    assert found(users["agent"], "水杯") == {n["split"]}


def test_a_longer_phrase_needs_its_characters_adjacent_and_in_order(users, corpus):
    n = {k: c.number for k, c in corpus.items()}
    assert found(users["agent"], "一直漏水") == {n["leak"]}
    assert found(users["agent"], "漏水一直") == set()
    assert found(users["agent"], "夜里有异响") == {n["noise"]}
    apart = make_complaint(users["agent"], title="漏水了", description="水杯也坏了")
    together = make_complaint(users["agent"], title="漏水杯子", description="换一个")
    assert found(users["agent"], "漏水杯") == {together.number}
    assert apart.number in found(users["agent"], "漏水 水杯")


def test_every_term_must_match(users, corpus):
    n = {k: c.number for k, c in corpus.items()}
    assert found(users["agent"], "漏水 地板") == {n["leak"]}
    assert found(users["agent"], "漏水 空调") == set()


def test_a_single_character_matches_anywhere_in_a_run(users, corpus):
    n = {k: c.number for k, c in corpus.items()}
    assert found(users["agent"], "吵") == {n["noise"]}
    # 裂 ends the run 杯子裂了? no: 了 does; 裂 stands inside it.
    assert found(users["agent"], "裂") == {n["cup"]}
    assert found(users["agent"], "壶") == {n["fields"]}  # the last character of the product


def test_order_batch_and_legacy_numbers_whole_or_by_prefix(users, corpus):
    order = {corpus["order"].number}
    agent = users["agent"]
    for q in ("SO-2026-0042", "so-2026", "so 2026-0042", "B240501", "b2405", "240501", "CRM-88123", "crm-88"):
        assert found(agent, q) == order, q
    assert found(agent, "SO-2026-0043") == set()
    assert found(agent, "2026-0042-so") == set()
    assert found(agent, corpus["order"].number) == order


def test_mixed_chinese_and_latin(users, corpus):
    n = {k: c.number for k, c in corpus.items()}
    assert found(users["agent"], "app") == {n["mixed"]}
    assert found(users["agent"], "连接wifi") == {n["mixed"]}
    assert found(users["agent"], "APP无法") == {n["mixed"]}
    assert found(users["agent"], "e05") == {n["mixed"]}


def test_odd_input_finds_nothing_rather_than_failing(users, corpus):
    for q in ('"', "*", "(", ")", "AND", "OR NOT", '漏水"', "'; drop table", "\\", "！！", "^漏水", ":*", "%", "_"):
        got = found(users["agent"], q)
        assert got <= {c.number for c in corpus.values()}, q
    assert found(users["agent"], '"漏水"') == {corpus["leak"].number, corpus["cup"].number}


def test_the_data_scope_still_applies(users, corpus):
    advance(corpus["leak"], users["supervisor"], "assigned", department="PROD")
    advance(corpus["cup"], users["supervisor"], "assigned", department="LOG")
    assert found(users["handler"], "漏水") == {corpus["leak"].number}
    assert found(users["handler_log"], "漏水") == {corpus["cup"].number}


def test_a_complaint_is_searchable_at_once_and_leaves_the_index_when_deleted(users):
    c = make_complaint(users["agent"], title="烤箱冒烟", description="加热管冒烟")
    assert found(users["agent"], "冒烟") == {c.number}
    Complaint.objects.filter(pk=c.pk).update(search_text=document(["烤箱起火"]))
    assert found(users["agent"], "冒烟") == set()
    assert found(users["agent"], "起火") == {c.number}


def test_search_reindex_recomputes_every_document(users, corpus):
    Complaint.objects.update(search_text="")
    assert found(users["agent"], "漏水") == set()
    out = io.StringIO()
    call_command("search_reindex", "--batch-size", "3", stdout=out)
    assert "changed=8" in out.getvalue()
    assert found(users["agent"], "漏水") == {corpus["leak"].number, corpus["cup"].number}


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_table_rebuild_that_dropped_the_triggers_is_repaired(users, corpus):
    with connection.cursor() as cur:
        for name in database.SQLITE_TRIGGERS:
            cur.execute(f"DROP TRIGGER {name}")
    assert database.repair(connection) is True
    c = make_complaint(users["agent"], title="热水器漏电")
    assert found(users["agent"], "漏电") == {c.number}
    assert database.repair(connection) is False


# ---------------------------------------------------------------------------------------------
# Ranking and highlighting


def test_highlight_escapes_html_and_marks_matches():
    assert highlight("<b>漏水</b> & 漏 水", "漏水") == "&lt;b&gt;<mark>漏水</mark>&lt;/b&gt; &amp; 漏 水"
    assert highlight("订单 SO-2026-0042 已发", "so-2026") == "订单 <mark>SO-2026</mark>-0042 已发"
    assert highlight("批次B240501", "b2405") == "批次<mark>B240501</mark>"
    long = "前" * 100 + "漏水" + "后" * 100
    cut = snippet(long, "漏水")
    assert cut.startswith("…") and cut.endswith("…") and "<mark>漏水</mark>" in cut and len(cut) < 120


def numbers(response):
    assert response.status_code == 200, response.content
    return [c["number"] for c in response.json()["items"]]


def test_api_ranks_the_better_match_first_and_the_newest_among_equals(api, users):
    agent = users["agent"]
    weak = make_complaint(agent, title="售后", description="洗衣机用了很久以后，有一天发现底部有点漏水，其他都还好")
    strong = make_complaint(agent, title="漏水", description="漏水，一直漏水")
    older = make_complaint(agent, title="门封", description="门封漏水")
    newer = make_complaint(agent, title="门封", description="门封漏水")
    got = numbers(api("agent").get("/complaints", q="漏水"))
    assert got[0] == strong.number
    assert got.index(newer.number) < got.index(older.number)
    assert got[-1] == weak.number


def test_api_pages_search_results_with_the_cursor(api, users):
    made = [make_complaint(users["agent"], title=f"第{i}台漏水", description="漏水") for i in range(5)]
    make_complaint(users["agent"], title="别的问题", description="异响")
    seen = []
    cursor = None
    for _ in range(4):
        params = {"q": "漏水", "page_size": 2, **({"cursor": cursor} if cursor else {})}
        body = api("agent").get("/complaints", **params).json()
        seen += [c["number"] for c in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(c.number for c in made)


def test_api_list_items_carry_the_marked_title_and_snippet(api, users):
    c = make_complaint(users["agent"], title="<script>漏水</script>", description="一直漏水 & 滴水")
    item = api("agent").get("/complaints", q="漏水").json()["items"][0]
    assert item["number"] == c.number
    assert item["title"] == "<script>漏水</script>"  # the field itself is untouched
    assert item["highlight"] == {
        "title": "&lt;script&gt;<mark>漏水</mark>&lt;/script&gt;",
        "snippet": "一直<mark>漏水</mark> &amp; 滴水",
    }
    assert api("agent").get("/complaints").json()["items"][0]["highlight"] is None


def test_api_odd_q_never_fails(api, corpus):
    for q in ('"', "*:", "漏水 OR", "(((", "a" * 200, "\\'", "NEAR/2"):
        r = api("agent").get("/complaints", q=q)
        assert r.status_code == 200, (q, r.content)
    assert api("agent").get("/complaints", q="x" * 201).status_code == 400


def test_api_create_takes_a_legacy_number_and_q_finds_it(api):
    body = {
        "channel": "phone",
        "title": "迁移的投诉",
        "customer": {"name": "李四", "phone": "13800009999"},
        "legacy_no": "OA-2019-7788",
    }
    r = api("agent").post("/complaints", body)
    assert r.status_code == 201, r.content
    assert Complaint.objects.get(number=r.json()["number"]).legacy_no == "OA-2019-7788"
    assert numbers(api("agent").get("/complaints", q="oa-2019-7788")) == [r.json()["number"]]
    assert api("agent").post("/complaints", {**body, "legacy_no": "x" * 65}).status_code == 400


def test_the_inbox_marks_matches_and_keeps_the_scope(web, users, corpus):
    advance(corpus["leak"], users["supervisor"], "assigned", department="PROD")
    html = web("agent").get("/", {"q": "漏水", "tab": "all"}).content.decode()
    listed = set(re.findall(r'class="complaint-number" href="/complaints/([^"]+)"', html))
    assert listed == {corpus["leak"].number, corpus["cup"].number}
    assert "冰箱<mark>漏水</mark>" in html
    assert "一直<mark>漏水</mark>" in html
    html = web("handler").get("/", {"q": "漏水", "tab": "all"}).content.decode()
    assert set(re.findall(r'class="complaint-number" href="/complaints/([^"]+)"', html)) == {corpus["leak"].number}
    r = web("agent").get("/", {"q": '"(*', "tab": "all"})
    assert r.status_code == 200


def test_matching_is_an_index_lookup_not_a_like(users, corpus):
    with CaptureQueriesContext(connection) as ctx:
        assert len(list(matching(Complaint.objects.all(), "漏水"))) == 2
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "LIKE" not in sql.upper()
    assert (database.FTS in sql) if connection.vendor == "sqlite" else ("array_to_tsvector" in sql)


def test_reversing_the_migration_restores_the_text_the_like_search_read(users, corpus):
    from importlib import import_module

    migration = import_module("kesu.search.migrations.0001_complaint_index")
    c = Complaint.objects.select_related("customer").get(pk=corpus["order"].pk)
    assert migration._old_text(c) == "\n".join(
        [c.number.lower(), "少发配件", "配件少了一个", "张三", "b240501", "so-2026-0042"]
    )
    assert actions.search_text_for(c) == c.search_text


def test_dense_and_sparse_matches_give_the_same_results(users, corpus, monkeypatch):
    # PostgreSQL lists few matches first and filters by the index for many; both must agree.
    n = {k: c.number for k, c in corpus.items()}
    for few in (-1, 10_000):
        monkeypatch.setattr(database, "PG_FEW", few)
        assert found(users["agent"], "漏水") == {n["leak"], n["cup"]}
        assert found(users["agent"], "一直漏水") == {n["leak"]}
        assert found(users["agent"], "so-2026") == {n["order"]}
        assert found(users["agent"], "2026-0042-so") == set()
        assert found(users["agent"], "吵") == {n["noise"]}
