"""Full-text search: an SQLite FTS5 index written by `kb build` beside the store, read by /search.

Words match in any order, by their stem (porter) and as prefixes while typing; accents and case
are ignored. A word the index does not know is corrected to the closest one it does ("fibromialgia"
finds fibromyalgia) and the page says so. Results rank conditions before studies before claims,
then by relevance (bm25); facets count the matches by kind, condition, design and verdict.
"""

import difflib
import re
import sqlite3
import threading
import time
from pathlib import Path

from kb.errors import InvalidParameter, QueryTimeout, StoreUnavailable

INDEX_NAME = "search.sqlite"
KIND_RANK = {"condition": 0, "design": 1, "study": 2, "claim": 3, "source": 4}
WORD_RE = re.compile(r"\w+", re.UNICODE)
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # snippet markers, turned into <mark> after escaping
FACETS = ("kind", "conditions", "design", "verdict")
# Words every document of this KB shares, or that name a field rather than a value: dropped from a
# query of several words ("CRPS ketamine", "PMID 17434801") so they do not hide the condition or study.
STOPWORDS = {"ketamine", "infusion", "infusions", "pmid", "doi", "the", "of", "and", "in", "for", "with",
             "a", "an", "to", "on", "by", "is", "are"}
SCHEMA = """
CREATE VIRTUAL TABLE documents USING fts5(
    label, text, kind UNINDEXED, item UNINDEXED, conditions UNINDEXED, design UNINDEXED,
    verdict UNINDEXED, rank_kind UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE words USING fts5vocab(documents, 'row');
CREATE TABLE labels (item TEXT PRIMARY KEY, label TEXT);
CREATE VIRTUAL TABLE headlines USING fts5(
    label, text, kind UNINDEXED, item UNINDEXED, rank_kind UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE headline_words USING fts5vocab(headlines, 'row');
"""
# What a 404 page suggests: the conditions and designs, whose number does not grow with the claims,
# so that a page that does not exist costs the same at a million claims as at sixty.
HEADLINE_KINDS = ("condition", "design")


def write_index(rows, path):
    """Write the rows of queries/search-documents.rq into a new index file at path."""
    path = Path(path)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((r["label"], in_order(r["text"]), r["kind"], r["item"], " ".join(sorted(r["conditions"] or ())),
              r["design"] or "", r["verdict"] or "", KIND_RANK.get(r["kind"], 9))
             for r in sorted(rows, key=lambda r: (r["kind"], r["item"]))))  # ties rank the same every build
        db.executemany("INSERT OR REPLACE INTO labels VALUES (?, ?)",
                       ((r["item"], r["label"]) for r in rows if r["kind"] in HEADLINE_KINDS))
        db.executemany("INSERT INTO headlines VALUES (?, ?, ?, ?, ?)",
                       ((r["label"], in_order(r["text"]), r["kind"], r["item"], KIND_RANK[r["kind"]])
                        for r in sorted(rows, key=lambda r: (r["kind"], r["item"]))
                        if r["kind"] in HEADLINE_KINDS))
        db.execute("INSERT INTO documents(documents) VALUES ('optimize')")
    return path


def in_order(text):
    """Return a text of " · "-separated parts with its parts sorted: GROUP_CONCAT joins them in
    any order, and the same build must give the same snippets."""
    return " · ".join(sorted(part.strip() for part in (text or "").split(" · ") if part.strip()))


class SearchIndex:
    """One build's index, opened read-only; a connection per thread."""

    def __init__(self, path, budget=None):
        self.path = Path(path)
        self.budget = budget
        self._local = threading.local()
        self._vocabulary = {}
        self._labels = None

    def _db(self):
        db = getattr(self._local, "db", None)
        if db is None:
            if not self.path.exists():
                raise StoreUnavailable(f"this server has no search index for the current build at "
                                       f"{self.path}: "
                                       "a replica needs the folder the build wrote (README, Replicas)")
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def _run(self, sql, params=()):
        """Run SQL, stopped by SQLite itself once the time budget is spent."""
        db = self._db()
        if self.budget:
            deadline = time.monotonic() + self.budget
            db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            return db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise QueryTimeout(f"the search ran past its time limit of {self.budget:g} s") from None
            raise InvalidParameter(f"parameter q: the search could not be read ({exc})") from None
        finally:
            db.set_progress_handler(None, 0)

    def vocabulary(self, table="documents"):
        """Return every word the index (or its headlines) holds, stemmed, for corrections."""
        if table not in self._vocabulary:
            words = "words" if table == "documents" else "headline_words"
            self._vocabulary[table] = [w for (w,) in self._run(f"SELECT term FROM {words} WHERE doc >= 1")]
        return self._vocabulary[table]

    def label(self, item):
        """Return the label of a condition or design the facets name (read once per index)."""
        if self._labels is None:
            self._labels = dict(self._run("SELECT item, label FROM labels"))
        return self._labels.get(item, item)

    def search(self, q, filters=None, page=1, size=50):
        """Return the matches of a phrase: results of one page, total, facets, and any correction."""
        words = WORD_RE.findall(q.lower())
        words = [w for w in words if w not in STOPWORDS] or words
        if not words:
            return {"results": [], "total": 0, "facets": {}, "corrected": None, "any_word": False}
        found, corrected, any_word = self._matches(words, filters or {}, page, size), None, False
        if not found["total"]:
            fixed = self.correct(words)
            if fixed != words:
                corrected = " ".join(fixed)
                found = self._matches(fixed, filters or {}, page, size)
        if not found["total"] and len(words) > 1:  # no document has every word: any of them
            any_word = True
            found = self._matches(self.correct(words), filters or {}, page, size, joiner=" OR ")
        return {**found, "corrected": corrected, "any_word": any_word}

    def correct(self, words, table="documents"):
        """Replace each word that matches nothing by the closest word the index (or its headlines)
        holds."""
        vocabulary = self.vocabulary(table)
        out = []
        for word in words:
            if self._run(f"SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT 1", (f'"{word}"*',)):
                out.append(word)
                continue
            # Typos rarely touch the first two letters; comparing only words that share them
            # keeps a correction to milliseconds on a large index.
            close = difflib.get_close_matches(word, [v for v in vocabulary if v[:2] == word[:2]],
                                              n=1, cutoff=0.75)
            out.append(close[0] if close else word)
        return out

    def _matches(self, words, filters, page, size, joiner=" "):
        match = joiner.join(f'"{w}"*' for w in words)
        where, params = ["documents MATCH ?"], [match]
        for key, value in filters.items():
            if value:
                column = "conditions" if key == "condition" else key
                where.append(f"(' ' || {column} || ' ') LIKE ?")
                params.append(f"% {value} %")
        condition = " AND ".join(where)
        facets, total = self._facets(condition, params)
        rows = self._run(
            f"SELECT kind, item, label, snippet(documents, 1, '{MARK_OPEN}', '{MARK_CLOSE}', ' … ', 16), "
            f"highlight(documents, 0, '{MARK_OPEN}', '{MARK_CLOSE}') FROM documents WHERE {condition} "
            f"ORDER BY rank_kind, bm25(documents, 10.0, 1.0) LIMIT ? OFFSET ?",
            [*params, size, (page - 1) * size])
        results = [{"kind": k, "item": i, "label": label, "snippet": snippet, "highlighted": lit}
                   for k, i, label, snippet, lit in rows]
        return {"results": results, "total": total, "facets": facets}

    def _facets(self, condition, params):
        """Return the counts of every facet and the number of matches, from one pass over them."""
        matches = self._run(f"SELECT {', '.join(FACETS)} FROM documents WHERE {condition}", params)
        facets = {}
        for i, column in enumerate(FACETS):
            counts = {}
            for row in matches:
                for key in (row[i].split() if column == "conditions" else [row[i]]):
                    if key:
                        counts[key] = counts.get(key, 0) + 1
            facets["condition" if column == "conditions" else column] = counts
        return facets, len(matches)

    def suggest(self, text, limit=8):
        """Return a few conditions or designs whose words match a path's words (404 pages)."""
        words = [w for w in WORD_RE.findall(text.lower()) if len(w) >= 3][:6]
        if not words:
            return []
        for attempt in (words, self.correct(words, table="headlines")):  # as typed, then corrected
            match = " OR ".join(f'"{w}"*' for w in attempt)
            found = self._run("SELECT kind, item, label FROM headlines WHERE headlines MATCH ? "
                              "ORDER BY rank_kind, rank LIMIT ?", (match, limit))
            if found:
                return [{"kind": k, "item": i, "label": label} for k, i, label in found]
        return []
