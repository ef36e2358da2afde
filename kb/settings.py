"""Declared settings: each has a name, a default and a help line.

Every setting is read from a ``KB_``-prefixed environment variable (``KB_STORE``,
``KB_QUERY_TIMEOUT`` ...), and the web app also takes them from its test config.
"""

import os
from dataclasses import dataclass
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
    Setting("QUERY_MEMORY_MB", 2048, "Address space each query worker may use, in MiB (0: no cap).", int),
    Setting("HOST", "127.0.0.1", "Address kb serve binds to."),
    Setting("PORT", 5000, "Port kb serve listens on.", int),
    Setting("THREADS", max(4, 2 * (os.cpu_count() or 1)), "Waitress worker threads.", int),
]
BY_NAME = {s.name: s for s in SETTINGS}


def get(name, environ=None):
    """Return a setting's value from KB_NAME in the environment, or its default."""
    setting = BY_NAME[name]
    raw = (os.environ if environ is None else environ).get("KB_" + name)
    if raw is None:
        return setting.default
    try:
        return setting.type(raw)
    except ValueError as exc:
        raise ValueError(f"KB_{name}={raw!r} is not a valid {setting.type.__name__}: {exc}") from exc


def defaults():
    """Return every setting's current value, keyed by name."""
    return {s.name: get(s.name) for s in SETTINGS}
