"""What the app is given at start: the knowledge base, the query service and the request log.

The KB is attached the way a database connection is; views reach it with ``get_kb()`` and the
SPARQL query service with ``get_service()``. Both share one store, opened here once.
"""

import logging
import time
from contextlib import ExitStack

from flask import current_app, g, request

from kb.errors import KBError
from kb.knowledge import KnowledgeBase
from kb.sparql.service import QueryService

from .admission import Admission

log = logging.getLogger("kb.web")


def init_app(app, settings):
    """Open the KB (pages run their queries under the page budget) and the query service."""
    kb = KnowledgeBase.open(settings, serving=True)
    app.extensions["kb"] = kb
    app.extensions["sparql"] = QueryService.open(settings, kb.store, kb.catalogue)
    # A /sparql request waiting for a worker holds a server thread: at most half the threads may,
    # so that the pages always have the other half, however many clients query at once.
    capacity = max(1, min(settings.query_workers + settings.query_queue, settings.threads // 2))
    # One client may not run on every worker at once: another client's query always finds one.
    per_client = max(1, min(settings.client_queries, settings.query_workers - 1))
    app.extensions["admission"] = Admission(per_client, capacity)
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False  # waitress gives the root logger a handler later: log each line once
    queue_log = logging.getLogger("waitress.queue")
    if not any(isinstance(f, QueueWarnings) for f in queue_log.filters):
        queue_log.addFilter(QueueWarnings())
    app.before_request(start_clock)
    app.before_request(one_build)
    app.teardown_request(end_build)
    app.after_request(log_request)


def one_build():
    """Read one build for the whole request, whichever moment a new one is switched in (a page
    runs several queries; replicas over one remote store switch within its pointer's 2 s)."""
    reading = ExitStack()
    try:
        reading.enter_context(get_kb().store.reading())
    except KBError:
        return  # the view reports the store's error
    g.reading = reading


def end_build(_exc=None):
    reading = g.pop("reading", None)
    if reading is not None:
        reading.close()


class QueueWarnings(logging.Filter):
    """Let waitress's "Task queue depth is N" through only when the depth's order of magnitude
    changes (1, 10, 100 ...): under load it writes one line per queued request, megabytes a minute."""

    def __init__(self):
        super().__init__()
        self.order = None

    def filter(self, record):
        depth = record.args[0] if isinstance(record.args, tuple) and record.args else None
        if not isinstance(depth, int):
            return True
        order = len(str(depth)) if depth > 0 else 0
        changed, self.order = order != self.order, order
        return changed


def get_kb():
    """Return the app's KnowledgeBase."""
    return current_app.extensions["kb"]


def get_service():
    """Return the app's QueryService (the /sparql and /queries runner)."""
    return current_app.extensions["sparql"]


def admitted():
    """Hold this request's place among the /sparql queries running (webapp/admission.py)."""
    return current_app.extensions["admission"].admit(request.remote_addr or "-")


def client_gone():
    """Return the server's is-the-client-still-there check (waitress offers one), or None."""
    return request.environ.get("waitress.client_disconnected")


def start_clock():
    """Note when the request began, for the log."""
    g.started = time.perf_counter()


def log_request(response):
    """Log one line per request: client, method, path, status, duration and its query's hash."""
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    log.info("%s %s %s %s %.1fms query=%s", request.remote_addr or "-", request.method, request.path,
             response.status_code, seconds * 1000, g.get("query_digest", "-"))
    return response
