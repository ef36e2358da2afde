"""Downloads written once per build: the whole KB in every RDF format and every export, with a
manifest of their sizes and checksums, so that /download serves files and never builds them."""

import hashlib
import json

from kb import formats
from kb.interchange import exports

MANIFEST = "downloads.json"
DOWNLOAD_NAME = "ketamine-kb"
FOLDER = "downloads"
# What the whole KB in each RDF format holds, offered on /download in this order.
HOLDS = {
    "turtle": "every statement, named graphs merged",
    "nt": "every statement, one per line",
    "jsonld": "every statement as JSON",
    "rdfxml": "every statement as XML",
    "nq": "every statement with its named graph (its source file)",
    "trig": "the named graphs, one per source file",
}


def entries():
    """Return (file name, format name, media type, label, what it holds, kind) of every download."""
    found = [(f"{DOWNLOAD_NAME}.{formats.RDF[name].extension}", name, formats.RDF[name].media_type,
              formats.RDF[name].label, holds, "rdf") for name, holds in HOLDS.items()]
    found += [(e.file, fmt, e.format.media_type, e.format.label, e.holds, "export")
              for fmt, e in exports.EXPORTS.items()]
    return found


def write_downloads(kb, folder, build_id):
    """Write every download into folder and its manifest; return the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    files, triples = [], None
    for name, fmt, media_type, label, holds, kind in entries():
        if kind == "rdf" and formats.RDF[fmt].kind == "graph":
            triples = triples if triples is not None else kb.all_triples()  # read once, written 4 ways
            data = formats.serialize_triples(triples, fmt)
        else:
            data = kb.export(fmt) if kind == "rdf" else exports.export(kb, fmt)
        (folder / name).write_bytes(data)
        files.append({"name": name, "format": fmt, "label": label, "media_type": media_type,
                      "holds": holds, "kind": kind, "bytes": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()})
    manifest = {"build": build_id, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return manifest


def read_manifest(store):
    """Return the current build's manifest of downloads."""
    return json.loads((store.artefact(FOLDER) / MANIFEST).read_text())


def path_of(store, name):
    """Return the path of one download of the current build, or None for a name it does not offer."""
    if name not in {entry[0] for entry in entries()}:
        return None
    return store.artefact(FOLDER) / name
