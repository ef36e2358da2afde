"""The store: where the KB's triples live, behind one protocol every backend implements.

``open_store(text)`` reads a store setting and returns a backend; nothing outside this package
asks which one it got. A backend offers readers ``query(text, default_graph, named_graphs)``
(SELECT/ASK as pyoxigraph solutions, CONSTRUCT/DESCRIBE as triples), ``count()``,
``dump(format)``, ``build_id``, ``info()``, ``artefact(name)`` (a file the build wrote beside the
store, such as the search index) and ``query_runner(...)`` (where queries on behalf of a request run
under a time limit) and ``reading()`` (a context in which every query of the thread reads one build);
and the build ``stage(build_id)``, a Staging (with the ``build_id`` it builds: a remote store may
resume an unfinished upload of the same files) whose graphs are loaded, checked, given their
artefacts and then ``commit()``-ed (switched to readers in one step) or ``discard()``-ed.
Backends: kb/store/embedded.py (pyoxigraph on disk) and kb/store/remote.py (any SPARQL 1.1 server,
with kb/store/server.py, upload.py and dialect.py).
"""

from dataclasses import dataclass

from kb.errors import KBError

OPTIONS = ("update", "gsp", "user", "password", "timeout", "build_timeout", "artefacts", "chunk")


@dataclass(frozen=True)
class StoreSpec:
    kind: str
    location: str
    options: dict

    @classmethod
    def parse(cls, text):
        """Parse ``oxigraph:PATH`` or ``sparql:QUERY_URL[,update=URL][,gsp=URL][,...]``."""
        kind, sep, rest = (text or "").partition(":")
        if not sep or not rest:
            raise KBError(f"store setting {text!r}: expected oxigraph:PATH or sparql:QUERY_URL")
        if kind == "oxigraph":
            return cls("oxigraph", rest, {})
        if kind == "sparql":
            url, *opts = rest.split(",")
            options = {}
            for opt in opts:
                key, eq, value = opt.partition("=")
                if not eq or key not in OPTIONS:
                    raise KBError(f"store setting {text!r}: unknown option {opt!r} "
                                  "(expected update=, gsp=, user=, password=, timeout=, "
                                  "build_timeout=, artefacts=, chunk=)")
                options[key] = value
            return cls("sparql", url, options)
        raise KBError(f"store setting {text!r}: unknown kind {kind!r} (expected oxigraph or sparql)")


def open_store(text):
    """Open the store a setting names, for reading (and for the build, staging)."""
    spec = StoreSpec.parse(text)
    if spec.kind == "oxigraph":
        from .embedded import EmbeddedStore

        return EmbeddedStore(spec.location)
    from .remote import RemoteStore

    return RemoteStore(spec)
