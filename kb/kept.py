"""Answers kept at build: whole-KB lists a page shows a window of, read by range, not recomputed.

A named query whose header has ``# kept: COLUMN`` (or ``# kept: all``) runs once over the whole
KB when `kb build` runs. Its records go into an SQLite file beside the store, numbered in the
query's own order overall and within each value of COLUMN, so that page N of the audit, or of the
claims that use a route, is a lookup of 50 rows whatever the size of the KB. ``# kept-count:
COLUMN`` also keeps how many distinct values of COLUMN each key has (the audit counts claims,
not rows). Nothing here knows which pages use what: adding a query with the header is enough.
"""

import json
import sqlite3
import threading
from pathlib import Path

from kb.query.rows import split, to_python

KEPT_NAME = "kept.sqlite"
ALL = ""  # the key under which the totals of the whole answer are kept
SCHEMA = """
CREATE TABLE records (query TEXT, position INTEGER, key TEXT, key_position INTEGER, record TEXT);
CREATE TABLE totals (query TEXT, key TEXT, records INTEGER, distinct_values INTEGER,
                     PRIMARY KEY (query, key));
"""
INDEXES = """
CREATE INDEX overall ON records (query, position);
CREATE INDEX by_key ON records (query, key, key_position);
"""


def kept_queries(catalogue):
    """Return the catalogue's queries whose answers the build keeps."""
    return [q for q in catalogue.all() if q.meta.get("kept")]


def write_kept(kb, path):
    """Run every kept query over the whole KB (kb reads the staging store) into a new file."""
    path = Path(path)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        for query in kept_queries(kb.catalogue):
            keep_answer(db, query, kb.store.query(query.render()))
        db.executescript(INDEXES)
    return path


def keep_answer(db, query, solutions):
    """Insert one query's answer, record by record, with its totals per key and overall."""
    key_column = query.meta["kept"].strip().lstrip("?")
    key_column = None if key_column == "all" else key_column
    counted = query.meta.get("kept-count", "").strip().lstrip("?") or None
    columns = [v.value for v in solutions.variables]
    lists = query.lists
    positions, seen = {}, {}

    def rows():
        for position, solution in enumerate(solutions, start=1):
            record = dict(zip(columns, map(to_python, solution), strict=True))
            for column, how in lists.items():
                record[column] = split(record.get(column), how)
            key = record.get(key_column) if key_column else None
            keys = (ALL,) if key is None else (ALL, str(key))
            for k in keys:
                positions[k] = positions.get(k, 0) + 1
                if counted:
                    seen.setdefault(k, set()).add(record.get(counted))
            yield (query.name, position, None if key is None else str(key),
                   positions[keys[-1]], json.dumps(record, ensure_ascii=False))

    db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", rows())
    positions.setdefault(ALL, 0)
    db.executemany("INSERT INTO totals VALUES (?, ?, ?, ?)",
                   ((query.name, k, n, len(seen.get(k, ())) if counted else n) for k, n in positions.items()))


class KeptAnswers:
    """One build's kept answers, opened read-only; a connection per thread."""

    def __init__(self, path):
        self.path = Path(path)
        self._local = threading.local()
        self.names = {row[0] for row in self._db().execute("SELECT DISTINCT query FROM totals")}

    def _db(self):
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                                  check_same_thread=False)
        return db

    def has(self, name):
        return name in self.names

    def totals(self, name, key=None):
        """Return (records, distinct values of the counted column) of an answer or of one key."""
        found = self._db().execute("SELECT records, distinct_values FROM totals WHERE query = ? AND key = ?",
                                   (name, ALL if key is None else str(key))).fetchone()
        return found or (0, 0)

    def window(self, name, first, last, key=None):
        """Return the records at positions first..last (from 1) of an answer, or of one key's part."""
        if key is None:
            cursor = self._db().execute(
                "SELECT record FROM records WHERE query = ? AND position BETWEEN ? AND ? ORDER BY position",
                (name, first, last))
        else:
            cursor = self._db().execute(
                "SELECT record FROM records WHERE query = ? AND key = ? AND key_position BETWEEN ? AND ? "
                "ORDER BY key_position", (name, str(key), first, last))
        return [json.loads(row[0]) for row in cursor]

    def each(self, name, key=None):
        """Yield every record of an answer (or of one key's part) in order, without holding them all."""
        last = self.totals(name, key)[0]
        for first in range(1, last + 1, 1000):
            yield from self.window(name, first, first + 999, key)
