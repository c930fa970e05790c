"""The words a search asks MariaDB/MySQL's full-text index for (nexus/mysql_search.py)."""

from nexus.mysql_search import indexed_words


def test_indexed_words_leave_out_short_words_and_innodb_stop_words():
    assert indexed_words("The RJ-M rain jacket, for kids & ALL of them") == [
        "rain",
        "jacket",
        "kids",
        "ALL",
        "them",
    ]
    assert indexed_words("of a M-1") == []
