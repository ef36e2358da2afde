"""Pages of a long list: ?page=N, 50 items a page."""

import math
from urllib.parse import urlencode

from flask import request

from kb.build.derive import PAGE_SIZE  # the build numbers each condition's pages of this size
from kb.errors import InvalidParameter

from .negotiation import twin_path, wants_json


def page_number():
    """Return the page the URL asks for (1 when it asks for none)."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidParameter(f"parameter page: {raw!r} is not a page number (1, 2, 3 ...)")
    return int(raw)


def window(items, number):
    """Return one page of a list already in memory."""
    offset = (number - 1) * PAGE_SIZE
    return items[offset:offset + PAGE_SIZE]


def info(number, total, **extra):
    """Return what the page shows about paging: where it is, and links to the pages around it
    (with the extra parameters, such as the section of the audit the links page through)."""
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if number > pages:
        raise InvalidParameter(f"parameter page: there are only {pages} page(s)")

    # A JSON answer links the JSON twin's pages, however JSON was asked for (.json or Accept).
    path = twin_path(request.path) if wants_json() else request.path

    def url(n):
        return path + "?" + urlencode({**request.args.to_dict(), **extra, "page": n})

    first = (number - 1) * PAGE_SIZE + 1 if total else 0
    return {"page": number, "pages": pages, "size": PAGE_SIZE, "total": total, "first": first,
            "last": min(total, number * PAGE_SIZE),
            "previous": url(number - 1) if number > 1 else None,
            "next": url(number + 1) if number < pages else None}
