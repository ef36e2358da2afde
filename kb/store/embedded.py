"""The store: an on-disk pyoxigraph store, swapped in atomically after each build.

Both backends (this one and kb/remote.py) offer readers the same small interface:
``query(text, substitutions, default_graph, named_graphs)`` answering SELECT/ASK with
pyoxigraph solutions and CONSTRUCT/DESCRIBE with triples, ``count()``, ``dump(format)``,
``build_id`` and ``info()``. Writing goes through ``kb build`` only, which loads every graph
into a new build and switches readers to it when all of it passed.

``oxigraph:PATH`` names a symbolic link; each build writes a fresh folder in
``PATH.builds/`` and only a build that passed every check moves the link, so a
reader never sees a half-built store and a failed build leaves the old one.
"""

import gc
import json
import os
import shutil
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kb.errors import KBError, StoreUnavailable

BUILD_INFO = "build.json"
KEEP_BUILDS = 2  # the serving build and the one before it, still open in old readers


class LocalStore:
    """A pyoxigraph store open in this process (a build's staging store), read as the KB reads:
    the default graph is the union of the named graphs."""

    def __init__(self, store):
        self.store = store

    def query(self, text, default_graph=None, named_graphs=None):
        """Run a SPARQL query over the union of the named graphs."""
        return self.store.query(text, use_default_graph_as_union=True)

    def dump(self, fmt, prefixes=None):
        """Serialize every quad in a dataset format (N-Quads, TriG)."""
        return self.store.dump(format=fmt, prefixes=prefixes)


class EmbeddedStore:
    """A read-only view of the current build that follows the link to newer builds."""

    def __init__(self, path):
        self.link = Path(path)
        self._lock = threading.Lock()
        self._store = None
        self._build = None

    @property
    def build_id(self):
        """Return the id of the build the link points to now."""
        try:
            return os.readlink(self.link)
        except FileNotFoundError:
            raise StoreUnavailable(
                f"no store at {self.link}: run `kb build` first") from None
        except OSError as exc:
            raise StoreUnavailable(f"{self.link} is not a store link made by `kb build`: {exc}") from exc

    def raw(self):
        """Return the pyoxigraph store of the current build, reopening after a rebuild."""
        build = self.build_id
        if build != self._build:
            with self._lock:
                if build != self._build:
                    self._store = ox.Store.read_only(str(self.link.parent / build))
                    self._build = build
        return self._store

    def info(self):
        """Return what the build recorded about itself (files, triples, time)."""
        path = self.link.parent / self.build_id / BUILD_INFO
        return json.loads(path.read_text())

    def query(self, text, default_graph=None, named_graphs=None):
        """Run a SPARQL query; the default graph is the union of all named graphs."""
        kwargs = {}
        if default_graph is not None:
            kwargs["default_graph"] = default_graph
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = named_graphs
        return self.raw().query(text, **kwargs)

    @contextmanager
    def reading(self):
        """Run a request's queries (here each worker follows the link per query; a build moves
        it in one rename, so only a request that spans the switch can see both)."""
        yield

    def count(self):
        """Return the number of quads in the current build (recorded by the build)."""
        try:
            return int(self.info()["triples"])
        except (OSError, KeyError, ValueError):
            return len(self.raw())

    def dump(self, fmt, prefixes=None):
        """Serialize every quad of the store in a dataset format (N-Quads, TriG)."""
        return self.raw().dump(format=fmt, prefixes=prefixes)

    def artefact(self, name):
        """Return the path of a file the current build wrote beside its store (the search index)."""
        return self.link.parent / self.build_id / name

    def query_runner(self, workers, timeout, row_limit, memory_mb, answer_mb=0, nice=0):
        """Return where queries for a request run: worker processes that can be killed, since
        nothing interrupts pyoxigraph inside one query."""
        from kb.sparql.sandbox import Sandbox

        return Sandbox(self.link, workers=workers, timeout=timeout, row_limit=row_limit,
                       memory_mb=memory_mb, answer_mb=answer_mb, nice=nice)

    def stage(self, build_id, verbose=False):
        """Return a Staging: a fresh on-disk store that becomes the served one on commit."""
        return Staging(BuildFolder(self.link, build_id), build_id)


class Staging:
    """One build being loaded into its own folder; committed by moving the link to it."""

    def __init__(self, folder, build_id):
        self.folder, self.build_id = folder, build_id
        self.store = folder.open()

    def artefact(self, name):
        """Return where the build writes a file that is swapped in with it."""
        return self.folder.path / name

    def commit(self, info):
        """Compact the store, record the build and switch readers to it; return its triples."""
        self.store.optimize()  # an on-disk store answers joins many times slower before it
        triples = len(self.store)
        self.store.flush()
        self.store = None  # closes RocksDB before the link moves
        self.folder.commit({**info, "triples": triples,
                            "built_at": datetime.now(UTC).isoformat(timespec="seconds")})
        return triples

    def discard(self):
        """Close the store and remove its folder; the served build is untouched."""
        # A traceback's frames may still hold the store open, and RocksDB would write its files
        # again after the folder is removed: drop every reference, collect, then remove.
        self.store = None
        gc.collect()
        self.folder.discard()


class BuildFolder:
    """A fresh folder for one build next to the link; committed or discarded."""

    def __init__(self, link, build_id):
        self.link = Path(link)
        self.builds = self.link.parent / (self.link.name + ".builds")
        self.name = f"{self.builds.name}/{build_id}"
        self.path = self.link.parent / self.name
        if self.link.exists() and not self.link.is_symlink():
            raise KBError(f"{self.link} exists and is not a link made by `kb build`; "
                          "move it away or choose another --store path")

    def open(self):
        """Create the folder and return a writable pyoxigraph store in it."""
        self.path.mkdir(parents=True, exist_ok=False)
        return ox.Store(str(self.path))

    def commit(self, info):
        """Record the build's info and move the link to it in one rename."""
        (self.path / BUILD_INFO).write_text(json.dumps(info, indent=2))
        tmp = self.link.parent / (self.link.name + ".new")
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(self.name, tmp)
        os.replace(tmp, self.link)
        self._prune()

    def discard(self):
        """Remove the folder of a build that failed (its store must be closed first)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self.builds.is_dir() and not any(self.builds.iterdir()):
            self.builds.rmdir()

    def _prune(self):
        """Keep the newest finished builds; remove older ones and any a killed build left half-made
        (a folder without its build record never counts as one of those kept)."""
        folders = sorted(p for p in self.builds.iterdir() if p.is_dir())
        finished = [p for p in folders if (p / BUILD_INFO).is_file()]
        keep = set(finished[-KEEP_BUILDS:]) | {self.path}
        for old in folders:
            if old not in keep:
                shutil.rmtree(old, ignore_errors=True)
