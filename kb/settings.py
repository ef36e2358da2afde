"""Declared settings: each has a name, a default and a help line.

``Settings.load()`` reads each from its ``KB_``-prefixed environment variable (``KB_STORE``,
``KB_QUERY_TIMEOUT`` ...) once, then applies overrides (a CLI option, the web app's test
config), and returns one typed, read-only object that the CLI and the app factory hand on.
"""

import os
from dataclasses import dataclass, make_dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    type: type = str


SETTINGS = [
    Setting("STORE", "oxigraph:.kb/store",
            "Where the KB lives: oxigraph:PATH (embedded, on disk) or "
            "sparql:QUERY_URL[,update=URL][,gsp=URL] (a remote SPARQL 1.1 server)."),
    Setting("DATA_DIRS", f"{ROOT / 'ontology'}{os.pathsep}{ROOT / 'data'}",
            "Folders of Turtle files the build loads, separated by the path separator."),
    Setting("SHAPES", str(ROOT / "ontology" / "shapes.ttl"),
            "The SHACL shapes file every data file must pass."),
    Setting("QUERIES_DIR", str(ROOT / "queries"),
            "The folder of named SPARQL queries (NAME.rq)."),
    Setting("QUERY_TIMEOUT", 10.0, "Seconds a SPARQL query may run before it is stopped.", float),
    Setting("ROW_LIMIT", 10000, "Most rows a SPARQL SELECT answer returns.", int),
    Setting("MAX_QUERY_BYTES", 100_000, "Largest query text accepted, in bytes.", int),
    Setting("SERVICE_ALLOWLIST", "",
            "Space-separated SPARQL endpoints that SERVICE may call; empty refuses SERVICE."),
    Setting("MAX_QUERY_NESTING", 100,
            "Deepest nesting of brackets a query may have (Oxigraph's parser overflows on thousands).",
            int),
    Setting("QUERY_WORKERS", 2, "Worker processes that run SPARQL queries (each can be killed).", int),
    Setting("CLIENT_QUERIES", 2, "SPARQL queries one client may have running at once (never every query "
            "worker); more get 503.", int),
    Setting("QUERY_QUEUE", 8, "SPARQL queries that may wait for a worker in all; past it, 503 at once.", int),
    Setting("PAGE_TIMEOUT", 5.0, "Seconds one query of a page (not /sparql) may run before it is stopped.",
            float),
    Setting("PAGE_WORKERS", 2, "Worker processes that run the pages' queries, apart from /sparql's.", int),
    Setting("MAX_ANSWER_MB", 32, "Largest answer a /sparql query returns, in MiB; past it the answer is cut "
            "(X-Truncated), so no answer can fill the web process's memory.", int),
    Setting("QUERY_NICE", 5, "How far /sparql's worker processes step back for the pages (os.nice, "
            "0-19): a runaway query slows the pages less.", int),
    Setting("QUERY_MEMORY_MB", 2048, "Address space each query worker may use, in MiB (0: no cap).", int),
    Setting("HOST", "127.0.0.1", "Address kb serve binds to."),
    Setting("PORT", 5000, "Port kb serve listens on.", int),
    Setting("THREADS", max(16, 4 * (os.cpu_count() or 1)),
            "Waitress worker threads; /sparql may hold at most half of them.", int),
    Setting("TRUSTED_PROXY", "",
            "Address of the reverse proxy in front of kb serve; only its X-Forwarded-For names the client."),
]
BY_NAME = {s.name: s for s in SETTINGS}


def convert(setting, raw):
    """Return a raw value as the setting's type, naming the variable when it does not fit."""
    if raw is None or isinstance(raw, setting.type):
        return setting.default if raw is None else raw
    try:
        return setting.type(raw)
    except ValueError as exc:
        raise ValueError(f"KB_{setting.name}={raw!r} is not a valid {setting.type.__name__}: {exc}") from exc


def get(name, environ=None):
    """Return a setting's value from KB_NAME in the environment, or its default."""
    return convert(BY_NAME[name], (os.environ if environ is None else environ).get("KB_" + name))


_Fields = make_dataclass("_Fields", [(s.name.lower(), s.type) for s in SETTINGS], frozen=True)


class Settings(_Fields):
    """Every setting's value, typed: settings.store, settings.query_timeout ..."""

    @classmethod
    def load(cls, environ=None, **overrides):
        """Read every KB_* variable once, then apply overrides (None keeps the variable's value)."""
        environ = os.environ if environ is None else environ
        values = {}
        for setting in SETTINGS:
            raw = overrides.get(setting.name)
            if raw is None:
                raw = environ.get("KB_" + setting.name)
            values[setting.name.lower()] = convert(setting, raw)
        return cls(**values)

    @property
    def data_dirs_list(self):
        """Return the data folders as a list."""
        return self.data_dirs.split(os.pathsep)

    def as_config(self):
        """Return the values keyed by setting name, as Flask's config holds them."""
        return {s.name: getattr(self, s.name.lower()) for s in SETTINGS}
