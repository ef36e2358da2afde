"""The SPARQL servers the remote store is tested and measured on, each started here on free
loopback ports with its own files in a folder: `oxigraph serve` (PyPI `oxigraph`) and Virtuoso 7
(Debian `virtuoso-opensource-7-bin`, its own virtuoso.ini). Each starter returns the running
process and the KB_STORE string that reaches it."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.server import free_port

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
VIRTUOSO = shutil.which("virtuoso-t")

# The Debian package's defaults, sized for this 24 GiB machine (NumberOfBuffers x 8 KiB is its
# page cache: 170,000 is about 1.3 GiB, what Virtuoso's guide gives for 2 GiB of free memory).
VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {sql_port}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = ., {d}
CheckpointInterval = 60
ThreadsPerQuery = 2
MaxQueryMem = 2G

[HTTPServer]
ServerPort = {http_port}
ServerRoot = {d}
MaxClientConnections = 8
ServerThreads = 8
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""


def wait_until_up(url, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            said = proc.stderr.read().decode(errors="replace")[-500:] if proc.stderr else ""
            raise RuntimeError(f"{url}: the server exited with {proc.returncode}: {said}")
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def start_oxigraph(folder, port=None):
    """`oxigraph serve` on folder; return (process, store setting)."""
    port = port or free_port()
    Path(folder).parent.mkdir(parents=True, exist_ok=True)
    command = [str(OXIGRAPH), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/query", proc)
    return proc, f"sparql:{base}/query,update={base}/update,gsp={base}/store"


def start_virtuoso(folder, buffers=170_000):
    """Virtuoso 7 with its files in folder; return (process, store setting) for its dba user, over
    the Digest-protected update and Graph Store endpoints."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
        d=folder, sql_port=free_port(), http_port=http_port, buffers=buffers, dirty=buffers * 3 // 4))
    proc = subprocess.Popen([VIRTUOSO, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    wait_until_up(base + "/sparql", proc)
    return proc, (f"sparql:{base}/sparql,update={base}/sparql-auth,gsp={base}/sparql-graph-crud-auth,"
                  f"user=dba,password=dba,artefacts={folder}/artefacts")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
