"""The twins a user downloads, fingerprinted: every page's JSON, every named query's CSV, every export.

`python -m tests.golden` writes tests/golden/twins.json from a fresh build of the curated data;
tests/test_golden.py compares a fresh build against it, so a refactoring that changes one byte
of what users see fails, naming the address. Regenerate it only when the data changes on purpose.
"""

import csv
import hashlib
import io
import json
import re
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

from tests.test_remote import SAMPLES  # the same parameter values the remote-store tests use

GOLDEN = Path(__file__).resolve().parent / "golden" / "twins.json"
SEARCHES = ("crps", "fibromyalgia", "ketamine", "depression", "nothing-matches-this")
FIXED = ("/index.json", "/claims.json", "/studies.json", "/designs.json", "/sources.json",
         "/evidence-map.json", "/audit.json", "/audit.csv", "/download.json", "/queries.json",
         "/queries/.json", "/conditions/no-such-condition.json", "/routes/iv-infusion.json",
         "/interventions/ketamine.json", "/id/condition/crps.ttl",
         "/id/study/amr-2010-sci-gabapentin-rct.jsonld",
         "/id/design/rct.nt", "/id/source/sunshine-pain-2022-ketamine-infusions.rdf")


def addresses(client):
    """Return every address whose answer a user sees, from the pages' own lists."""
    urls = list(FIXED)
    home = client.get("/index.json").get_json()
    for group in home["groups"]:
        urls.append(group["page"] + ".json")
        urls += [c["page"] + ".json" for c in group["conditions"]]
    for listing, key in (("/claims.json", "claims"), ("/studies.json", "studies"),
                         ("/designs.json", "designs"), ("/sources.json", "sources")):
        urls += [item["page"] + ".json" for item in every_page(client, listing, key)]
    for claim in every_page(client, "/claims.json", "claims"):
        urls.append(f"/claims/{claim['slug']}.nanopub.trig")
        urls.append(f"/id/claim/{claim['slug']}.ttl")
    urls.append("/claims.json?page=2")
    for study in every_page(client, "/studies.json", "studies"):
        slug = study["page"].rsplit("/", 1)[-1]
        urls += [f"/studies/{slug}.{ext}" for ext in ("bib", "ris", "csl.json")]
    download = client.get("/download.json").get_json()
    urls += [f["href"] for f in download["files"]] + [e["href"] for e in download["exports"]]
    urls += [f"/search.json?q={q}" for q in SEARCHES]
    for query in client.get("/queries.json").get_json()["queries"]:
        params = "&".join(f"{p['name']}={SAMPLES[p['name']]}" for p in query["params"])
        urls.append(f"/queries/{query['name']}.csv" + (f"?{params}" if params else ""))
    return sorted(set(urls))


def every_page(client, listing, key):
    """Return the items of a list, following its pages."""
    items, url = [], listing
    while url:
        data = client.get(url).get_json()
        items += data[key]
        url = (data.get("paging") or {}).get("next")  # the JSON twin's own path, with ?page=N
    return items


RDF_SUFFIXES = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json",
                ".rdf": "application/rdf+xml", ".nq": "application/n-quads", ".trig": "application/trig"}
# Answers that differ between two builds of the same data: ties broken arbitrarily by SAMPLE, and
# texts that GROUP_CONCAT joins in any order (the search index sorts them itself).
UNSTABLE = {"/queries/conditions-by-strongest-evidence.csv", "/queries/search-documents.csv"}
BNODE = re.compile(r"_:[A-Za-z0-9]+")
STAMP = re.compile(r'"[0-9T:.+-]+"\^\^<http://www.w3.org/2001/XMLSchema#dateTime>')  # when it was written


def canonical(url, body):
    """Return the bytes to fingerprint: RDF as sorted N-Quads with blank nodes unlabelled (labels
    differ per build), a CSV's rows sorted (queries without ORDER BY), anything else as it is."""
    path = url.split("?")[0]
    suffix = next((s for s in RDF_SUFFIXES if path.endswith(s)), None)
    if suffix:
        fmt = ox.RdfFormat.from_media_type(RDF_SUFFIXES[suffix])
        quads = {STAMP.sub("NOW", BNODE.sub("_:b", str(q))) for q in ox.parse(body, format=fmt)}
        return "\n".join(sorted(quads)).encode()
    if path.endswith(".csv"):  # rows, and the values GROUP_CONCAT packs in a cell, in any order
        head, *rows = csv.reader(io.StringIO(BNODE.sub("_:b", body.decode("utf-8-sig"))))
        cells = sorted("\t".join("\n".join(sorted(c.split("\n"))) for c in row) for row in rows)
        return "\n".join(["\t".join(head), *cells]).encode("utf-8")
    if path == "/download.json":  # a file's size and checksum move with blank node labels and the time
        data = json.loads(body)
        data.pop("build", None)
        for entry in data["exports"] + data["files"]:
            entry.pop("bytes", None)
            entry.pop("sha256", None)
        return json.dumps(data).encode()
    return body


def fingerprints(client):
    """Return {address: 'STATUS sha256'} for every address."""
    found = {}
    for url in addresses(client):
        if url in UNSTABLE:
            continue
        response = client.get(url)
        digest = hashlib.sha256(canonical(url, response.data)).hexdigest()
        found[url] = f"{response.status_code} {digest}"
    return found


def fresh_client(folder):
    """Build the curated data into folder and return a test client of the app over it."""
    from tests.conftest import build_store
    from webapp import create_app

    return create_app({"TESTING": True, "STORE": build_store(folder)}).test_client()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        prints = fingerprints(fresh_client(tmp))
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(prints, indent=1, sort_keys=True) + "\n")
    print(f"{len(prints)} addresses written to {GOLDEN}", file=sys.stderr)
