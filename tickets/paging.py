"""Pagination that never counts a large set exactly.

An exact COUNT over hundreds of thousands of rows costs tens of milliseconds even
when indexed; people need "is there more" and a rough size, not the exact number.
We count at most COUNT_CAP rows (shown as "1.000+") and page by offset up to
MAX_PAGES; past that, the list asks for a narrower filter.
"""

from dataclasses import dataclass

PAGE_SIZE = 25
COUNT_CAP = 1000
MAX_PAGES = 400


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool
    count: int
    count_capped: bool
    page_size: int

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def next_number(self):
        return self.number + 1

    @property
    def previous_number(self):
        return self.number - 1

    @property
    def start_index(self):
        return (self.number - 1) * self.page_size + 1 if self.object_list else 0

    @property
    def end_index(self):
        return self.start_index + len(self.object_list) - 1 if self.object_list else 0

    @property
    def at_limit(self):
        return self.number >= MAX_PAGES and self.has_next


def page_number(raw) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGES)
    except (TypeError, ValueError):
        return 1


def paginate(queryset, raw_page, page_size: int = PAGE_SIZE) -> Page:
    number = page_number(raw_page)
    offset = (number - 1) * page_size
    rows = list(queryset[offset : offset + page_size + 1])
    has_next = len(rows) > page_size
    rows = rows[:page_size]
    if number == 1 and not has_next:
        count, capped = len(rows), False  # the whole list is on this page: no COUNT needed
    else:
        count = queryset.order_by()[: COUNT_CAP + 1].count()
        capped = count > COUNT_CAP
        count = min(count, COUNT_CAP)
    return Page(rows, number, has_next, count, capped, page_size)
