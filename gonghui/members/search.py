"""Finding workers by a fragment of their name, from an index, on SQLite and PostgreSQL.

Most Chinese names have two or three characters, so a search term is often two characters long:
trigram indexes cannot serve it. The name is indexed by its characters (unigrams) and character
pairs (bigrams) instead; the objects are made by migration 0003_worker_name_search_index.

- A one-character term looks up its unigram, a two-character term its bigram, a longer term all
  its bigrams (every one must be present); `name LIKE '%term%'` (`contains`) then confirms the
  candidates, so the result is exactly the substring match the unindexed filter gave.
- SQLite: a contentless FTS5 table (unicode61 tokenizer, rowid = worker id) kept by triggers, so
  rows written with executemany bypassing the ORM are found too. Matching there folds case and
  diacritics and drops punctuation, which only widens the candidates; LIKE confirms them. A term
  with no letter or digit at all (e.g. "·") cannot use the index and falls back to LIKE.
- PostgreSQL: a GIN index on `gonghui_name_grams(name)`; the filter is `@>` the term's grams.
  `contains`, not `icontains`: UPPER() would defeat the index, and Chinese has no case.
"""

import unicodedata

from django.db import connections
from django.db.models import BooleanField, F, Func

FTS_TABLE = "members_worker_name_fts"


def term_grams(term: str) -> list[str]:
    """The index entries a name containing `term` must have: its character, or its distinct bigrams."""
    if len(term) == 1:
        return [term]
    return list(dict.fromkeys(term[i:i + 2] for i in range(len(term) - 1)))


def _token_char(char: str) -> bool:
    # unicode61's default token characters are the letters and numbers (categories L* and N*).
    return unicodedata.category(char)[0] in "LN"


def fts_query(term: str) -> str:
    """The FTS5 query for `term` ("" when no gram holds a letter or digit, so the index cannot help).

    Each gram is quoted: a string of at most two characters is at most one unicode61 token, and
    that token is in the index of every name that contains the gram.
    """
    grams = [g for g in term_grams(term) if any(_token_char(c) for c in g)]
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


class _IndexedMatch(Func):
    """A boolean condition on one column, written per vendor (`{column}` is the compiled column)."""

    output_field = BooleanField()

    def __init__(self, column, *, sql: str, param):
        super().__init__(column)
        self.sql, self.param = sql, param

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return self.sql.format(column=column), (*params, self.param)


def name_search(queryset, term: str):
    """`queryset` (of Worker) narrowed to names containing `term`, served by the name index."""
    if not term:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        condition = _IndexedMatch(F("name"), sql="gonghui_name_grams({column}) @> %s::text[]",
                                  param=term_grams(term))
        queryset = queryset.filter(condition)
    elif vendor == "sqlite" and (query := fts_query(term)):
        condition = _IndexedMatch(
            F("pk"), sql=f"{{column}} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", param=query
        )
        queryset = queryset.filter(condition)
    return queryset.filter(name__contains=term)
