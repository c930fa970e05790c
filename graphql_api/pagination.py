"""Relay-style cursor pagination over an ordered list of ids, with a page-size limit."""

import base64
import binascii
from dataclasses import dataclass

import strawberry

from nexus.errors import DomainError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
_PREFIX = "offset:"


class InvalidPagination(DomainError):
    code = "invalid_pagination"


def cursor_for(offset: int) -> str:
    return base64.b64encode(f"{_PREFIX}{offset}".encode()).decode()


def offset_of(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(_PREFIX) or not text[len(_PREFIX) :].isdigit():
        raise InvalidPagination(
            "This cursor is not one this API gave out: pass an endCursor from pageInfo.",
            field="after",
        )
    return int(text[len(_PREFIX) :])


@dataclass(frozen=True)
class Window:
    start: int
    size: int
    total: int

    @property
    def end(self) -> int:
        return min(self.start + self.size, self.total)

    @property
    def has_next_page(self) -> bool:
        return self.end < self.total

    @property
    def has_previous_page(self) -> bool:
        return self.start > 0


def window(*, first: int | None, after: str | None, total: int) -> Window:
    """The slice `first` items after the `after` cursor. `first` is 1..MAX_PAGE_SIZE."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 1 or size > MAX_PAGE_SIZE:
        raise InvalidPagination(
            f"first must be between 1 and {MAX_PAGE_SIZE}; page through with after: endCursor.",
            field="first",
        )
    start = offset_of(after) + 1 if after else 0
    return Window(start=min(start, total), size=size, total=total)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def connection(*, connection_type, edge_type, page: Window, nodes: list):
    """A Relay connection of `nodes`, the items of `page`, with their cursors and page info."""
    edges = [
        edge_type(cursor=cursor_for(page.start + index), node=node)
        for index, node in enumerate(nodes)
    ]
    return connection_type(
        total_count=page.total,
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
