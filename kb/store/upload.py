"""A build sent to a remote SPARQL server: checked in memory, uploaded in chunks under the build's
own graph names, then switched to readers by rewriting one small pointer graph.

Each chunk is recorded in a journal beside the build's files (``upload.json``) as it lands, so an
upload that failed half-way is resumed by the next ``kb build`` of the same files: the chunks the
server already holds are not sent again. After the switch the builds before the previous one are
dropped (the previous one stays for readers that still hold the old pointer for a moment).
"""

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

from kb.progress import progress
from kb.store.dialect import BuildNames, build_of, skolem_labels, skolemized

JOURNAL = "upload.json"


class Journal:
    """What of one build is on the server: the digest of each chunk of each graph, in order."""

    def __init__(self, path):
        self.path = Path(path)
        try:
            saved = json.loads(self.path.read_text())
        except (OSError, ValueError):
            saved = {}
        self.chunks = saved.get("chunks", {})
        self.committed = saved.get("committed", False)

    def sent(self, graph):
        return self.chunks.setdefault(graph, [])

    def save(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps({"chunks": self.chunks, "committed": self.committed}))
        os.replace(partial, self.path)  # a crash leaves the old journal or the new, whole


def unfinished(artefacts, build_id):
    """Return the id of an earlier upload of the same files that did not finish, or None."""
    digest = build_id.rpartition("-")[2]
    folders = sorted(Path(artefacts).glob(f"*-{digest}"), reverse=True) if Path(artefacts).is_dir() else []
    for folder in folders:
        journal = Journal(folder / JOURNAL)
        if journal.chunks and not journal.committed:
            return folder.name
    return None


def chunks(triples, size):
    """Yield lists of at most size triples."""
    chunk = []
    for triple in triples:
        chunk.append(triple)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class RemoteStaging:
    """A build checked in an in-memory store, then staged on the server and switched in one update."""

    def __init__(self, remote, build_id, verbose=False):
        self.remote, self.verbose = remote, verbose
        self.builds = remote.builds()
        self.resumed = unfinished(remote.artefacts, build_id)
        self.build_id = self.resumed or build_id
        self.folder = remote.artefacts / self.build_id
        if self.resumed:  # the files are written again; only the journal of what was sent stays
            for path in self.folder.iterdir():
                if path.name != JOURNAL:
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
        self.journal = Journal(self.folder / JOURNAL)
        self.skipped = 0  # chunks an earlier attempt had sent
        self.store = ox.Store()

    def artefact(self, name):
        """Return where the build writes a file of its own, kept on this machine by build id."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / name

    def commit(self, info):
        """Upload every graph in chunks under the build's names, switch readers, drop old builds;
        return the number of triples."""
        names = BuildNames(self.build_id)
        graphs = sorted(self.store.named_graphs(), key=str)
        self.labels = skolem_labels(self.store.quads_for_pattern(None, None, None))
        stages = info.setdefault("stages", {})
        started = time.perf_counter()
        with progress("uploading", total=len(self.store), enabled=self.verbose) as bar:
            for graph in graphs:
                self.upload(graph, names.graph(graph.value), bar)
        stages["upload"] = round(time.perf_counter() - started, 3)
        staged = [names.graph(graph.value) for graph in graphs]
        if self.resumed:
            info["resumed"] = {"build": self.resumed, "skipped": self.skipped}
        with progress("switching", total=1, enabled=self.verbose) as bar:
            stages["switch"] = self.remote.switch(self.build_id, staged, self.builds["current"])
            bar.update(1)
        self.journal.committed = True
        self.journal.save()
        started = time.perf_counter()
        self.drop_old()
        stages["drop"] = round(time.perf_counter() - started, 3)
        return len(self.store)

    def upload(self, graph, name, bar):
        """Send one graph chunk by chunk under its server name, skipping the chunks an earlier
        attempt already sent; if one differs, the graph is sent again from its first chunk."""
        sent = self.journal.sent(name)
        triples = (q.triple for q in self.store.quads_for_pattern(None, None, None, graph))
        sending = False
        for index, chunk in enumerate(chunks(triples, self.remote.chunk)):
            ready = skolemized(chunk, self.labels, self.remote.virtuoso)
            data = ox.serialize(ready, format=ox.RdfFormat.N_TRIPLES)
            digest = hashlib.sha256(data).hexdigest()[:20]
            if not sending and index < len(sent) and sent[index] == digest:
                self.skipped += 1
                bar.update(len(chunk))
                continue
            if index and not sending:
                self.journal.chunks[name] = []
                return self.upload(graph, name, bar)
            sending = True
            self.remote.send_chunk(name, data, replace=index == 0)
            del sent[index:]
            sent.append(digest)
            self.journal.save()
            bar.update(len(chunk))
        return None

    def drop_old(self):
        """Drop every build but the current and the previous: the one before, and uploads that
        never finished; then their files here."""
        keep = {self.build_id, self.builds["current"][0]}
        old = [f for f in self.remote.artefacts.iterdir() if f.is_dir() and f.name not in keep]
        graphs = {g for g in self.builds["previous"][1] if build_of(g) not in keep}
        graphs.update(g for folder in old for g in Journal(folder / JOURNAL).chunks)
        with progress("dropping old builds", total=len(graphs), enabled=self.verbose) as bar:
            for graph in sorted(graphs):
                self.remote.drop(graph)
                bar.update(1)
        for folder in old:
            shutil.rmtree(folder, ignore_errors=True)

    def discard(self):
        """Forget the in-memory store; what reached the server stays, recorded for a resumed build."""
        self.store = None
        if not self.journal.chunks:
            shutil.rmtree(self.folder, ignore_errors=True)

