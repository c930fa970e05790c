"""Wagtail's database search backend on MariaDB/MySQL, asked only for words InnoDB indexes.

Wagtail's MySQL backend makes every word of a plain-text search required (`+rain +jacket +the`
in boolean mode). InnoDB's full-text index leaves out words shorter than
`innodb_ft_min_token_size` (3 by default) and its stop words, so one such word in a search
("the rain jacket", "jacket M") made the whole search find nothing, where PostgreSQL drops stop
words and indexes short words. This backend leaves those words out of the query: "the rain
jacket" finds what "rain jacket" finds. A search made only of such words still finds nothing
by full text (a whole SKU is found by `catalog.selectors.product_search_ids`).

Settings select it when DATABASE_URL is mysql://; the words are the server defaults.
"""

import re

from wagtail.search.backends.database.mysql.mysql import (
    MySQLSearchBackend,
    MySQLSearchQueryCompiler,
)
from wagtail.search.query import PlainText

# innodb_ft_min_token_size's default.
MIN_WORD_LENGTH = 3
# INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD, the stop words InnoDB uses by default.
INNODB_STOP_WORDS = (
    "a about an are as at be by com de en for from how i in is it la of on or that the this to "
    "und was what when where who will with www"
)
STOP_WORDS = frozenset(INNODB_STOP_WORDS.split())


def indexed_words(text: str) -> list[str]:
    """The words of `text` that InnoDB's full-text index holds, split as InnoDB splits them."""
    return [
        word
        for word in re.split(r"\W+", text)
        if len(word) >= MIN_WORD_LENGTH and word.lower() not in STOP_WORDS
    ]


class IndexedWordsQueryCompiler(MySQLSearchQueryCompiler):
    def build_search_query_content(self, query, invert=False):
        if isinstance(query, PlainText):
            words = indexed_words(query.query_string)
            if words:
                query = PlainText(" ".join(words), operator=query.operator, boost=query.boost)
        return super().build_search_query_content(query, invert=invert)


class IndexedWordsSearchBackend(MySQLSearchBackend):
    query_compiler_class = IndexedWordsQueryCompiler


SearchBackend = IndexedWordsSearchBackend
