"""The search page's data: results with highlighted snippets, facets with counts and links, paging."""

from urllib.parse import urlencode

from flask import request, url_for
from markupsafe import Markup, escape

from kb.search import MARK_CLOSE, MARK_OPEN

from . import links, paging

KIND_NAMES = {"condition": ("condition", "conditions"), "claim": ("claim", "claims"),
              "study": ("study", "studies"), "design": ("study design", "study designs"),
              "source": ("source", "sources")}
FILTERS = ("kind", "condition", "design", "verdict")


def count_of(n, kind):
    """Return '1 study', '3 studies'."""
    one, many = KIND_NAMES.get(kind, (kind, kind + "s"))
    return f"{n} {one if n == 1 else many}"


def marked(text):
    """Return index text as HTML: escaped, with the index's match markers as <mark>."""
    html = escape(text or "")
    return Markup(str(html).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))


def plain(text):
    return (text or "").replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def facet_entries(index, name, counts, chosen):
    """Return one facet's values with counts, labels and the link that narrows (or widens) to it."""
    entries = []
    for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        label = (KIND_NAMES.get(value, (value,))[0] if name == "kind"
                 else index.label(value) if name in ("condition", "design") else value.rsplit("#", 1)[-1])
        args = {k: v for k, v in request.args.items() if k != "page"}
        args[name] = "" if chosen == value else value
        query = urlencode({k: v for k, v in args.items() if v})
        entries.append({"value": value, "label": label, "count": count, "chosen": chosen == value,
                        "href": f"{url_for('browse.search')}?{query}"})
    return entries


def search_page(kb, q):
    """Return the search page's data for a phrase and the filters in the URL."""
    filters = {k: request.args.get(k, "").strip() for k in FILTERS}
    number = paging.page_number()
    found = kb.search(q, filters, number, paging.PAGE_SIZE) if q else \
        {"results": [], "total": 0, "facets": {}, "corrected": None, "any_word": False}
    index = kb.search_index() if q else None
    results = [{"kind": r["kind"], "iri": r["item"], "page": links.page_url(r["item"]),
                "label": plain(r["label"]), "snippet": plain(r["snippet"]),
                "label_html": marked(r["highlighted"]), "snippet_html": marked(r["snippet"])}
               for r in found["results"]]
    facets = {name: facet_entries(index, name, counts, filters.get(name))
              for name, counts in found["facets"].items()} if index else {}
    kinds = {e["value"]: e["count"] for e in facets.get("kind", [])}
    summary = ", ".join(count_of(kinds[k], k) for k in KIND_NAMES if k in kinds)
    return {"q": q, "total": found["total"], "summary": summary, "results": results, "facets": facets,
            "filters": {k: v for k, v in filters.items() if v}, "corrected": found["corrected"],
            "any_word": found["any_word"],
            "paging": paging.info(number, found["total"]) if found["total"] else None}
