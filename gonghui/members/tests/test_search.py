"""members.search.name_search: name fragments found from the unigram/bigram index, exactly as LIKE would."""

import datetime as dt
import hashlib
import random

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.tests.test_api_token import api_as
from gonghui.core.bulk import fast_insert
from gonghui.demo.identities import PersonNames
from gonghui.members.models import Worker
from gonghui.members.search import fts_query, name_search, term_grams
from gonghui.testing import make_worker

pytestmark = pytest.mark.django_db

FIELDS = ("name", "id_cipher", "id_hash", "id_masked", "gender", "birth_date", "mobile", "employment_form",
          "created_at")
ODD_NAMES = ["阿卜杜拉·买买提", "阿卜杜热合曼·买买提艾力江·吐尔逊", "欧阳娜娜", "Ann Lee", "李", "王王王",
             "张小三", "张三", "小三张", 'a"b', "100%王"]


def bulk_workers(names: list[str]) -> None:
    """Rows written the way imports and the demo generator write them: no ORM, no signals."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    born = connection.ops.adapt_datefield_value(dt.date(1990, 1, 1))
    rows = [(n, "x", hashlib.sha256(f"{i}:{n}".encode()).hexdigest(), "1101**********1234", "M", born,
             "", "regular", now) for i, n in enumerate(names)]
    fast_insert(Worker, FIELDS, rows)


def found(term: str, qs=None) -> set[int]:
    return set(name_search(Worker.objects.all() if qs is None else qs, term).values_list("pk", flat=True))


def expected(term: str) -> set[int]:
    return {pk for pk, name in Worker.objects.values_list("pk", "name") if term in name}


@pytest.fixture
def names():
    rng = random.Random(5)
    people = PersonNames(rng)
    generated = [people.name(rng.random() < 0.5) for _ in range(400)]
    bulk_workers(generated + ODD_NAMES)
    return generated


def test_grams_of_a_term():
    assert term_grams("张") == ["张"]
    assert term_grams("张三") == ["张三"]
    assert term_grams("王王王") == ["王王"]
    assert term_grams("张小三") == ["张小", "小三"]
    assert fts_query("张小三") == '"张小" AND "小三"'
    assert fts_query("·买") == '"·买"'
    assert fts_query("·") == ""  # nothing the index holds: LIKE alone
    assert fts_query('a"') == '"a"""'


def test_one_two_and_three_character_terms_find_exactly_the_substring_matches(names):
    rng = random.Random(9)
    singles = {c for n in names for c in n}
    pairs = {n[i:i + 2] for n in names for i in range(len(n) - 1)}
    triples = {n for n in names if len(n) == 3}
    terms = (rng.sample(sorted(singles), 40) + rng.sample(sorted(pairs), 60) + rng.sample(sorted(triples), 30)
             + ["赵钱", "不存在", "王王", "王王王", "小三", "张小三", "三张", "·", "·买", "卜杜拉·买", "娜娜",
                "100%", "吐尔逊", "江·吐", "逊"])
    hits = 0
    for term in terms:
        want = expected(term)
        assert found(term) == want, term
        hits += bool(want)
    assert hits > 100  # the terms are mostly real fragments, not only misses


def test_latin_and_punctuation_follow_the_like_filter(names):
    for term in ("Ann", "n L", "Lee", "nn L", 'a"b', '"', "%", "_"):
        assert found(term) == set(Worker.objects.filter(name__contains=term).values_list("pk", flat=True)), term


def test_empty_term_returns_the_queryset_unchanged():
    qs = Worker.objects.filter(employment_form="regular")
    assert name_search(qs, "") is qs


def test_bulk_inserted_updated_and_deleted_rows_follow_the_index(db):
    bulk_workers(["诸葛亮", "司马懿"])
    assert found("葛亮") == expected("葛亮") != set()
    Worker.objects.filter(name="诸葛亮").update(name="周瑜")  # SQL UPDATE, no save()
    assert found("葛亮") == set()
    assert found("周瑜") == expected("周瑜") != set()
    Worker.objects.filter(name="周瑜").delete()
    assert found("周瑜") == set()
    worker = make_worker(name="孙权", mobile="13500000001")
    assert found("孙权") == {worker.pk}
    worker.name = "孙策"
    worker.save()
    assert found("孙权") == set()
    assert found("孙策") == {worker.pk}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_worker WHERE id = %s", [worker.pk])
    assert found("孙") == set()
    assert found("司马") == expected("司马") != set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps the index by triggers")
def test_the_triggers_are_on_the_worker_table(db):
    """A migration that makes SQLite rebuild members_worker drops its triggers: it must create them again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'members_worker'")
        assert {r[0] for r in cursor.fetchall()} >= {f"members_worker_name_fts_{s}" for s in ("ai", "ad", "au")}


def test_composes_with_other_filters(names):
    term = names[0][0]
    qs = Worker.objects.filter(gender="M").exclude(name=names[0])
    assert found(term, qs) == {pk for pk, n in qs.values_list("pk", "name") if term in n}
    assert name_search(Worker.objects.all(), term).count() == len(expected(term))


def test_the_index_serves_a_two_character_term(names):
    sql, params = name_search(Worker.objects.all(), "张三").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            assert "members_worker_name_grams" in str(cursor.fetchall())
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            assert "members_worker_name_fts VIRTUAL TABLE" in str(cursor.fetchall())


def test_scoping_still_applies_on_the_console_and_the_api(client, district):
    mine = make_worker(name="王小明", org=district.union_a, mobile="13500000002")
    theirs = make_worker(name="王小明", org=district.union_b, mobile="13500000003")
    client.force_login(district.street1_user)
    for q in ("王小", "小明", "王", "王小明"):
        page = client.get(reverse("members:list"), {"q": q}).context["page_obj"]
        assert {w.pk for w in page.object_list} == {mine.pk}, q
        assert {r["id"] for r in api_as("street1").get("/members", {"q": q}).json()["items"]} == {mine.pk}
        assert {r["id"] for r in api_as("street2").get("/members", {"q": q}).json()["items"]} == (
            {theirs.pk, district.worker_b.pk} if q == "王" else {theirs.pk})
