"""What the app is given at start: the knowledge base, the query service and the request log.

The KB is attached the way a database connection is; views reach it with ``get_kb()`` and the
SPARQL query service with ``get_service()``. Both share one store, opened here once.
"""

import logging
import time

from flask import current_app, g, request

from kb.knowledge import KnowledgeBase
from kb.sparql.service import QueryService

from .admission import Admission

log = logging.getLogger("kb.sparql")


def init_app(app, settings):
    """Open the KB (pages run their queries under the page budget) and the query service."""
    kb = KnowledgeBase.open(settings, serving=True)
    app.extensions["kb"] = kb
    app.extensions["sparql"] = QueryService.open(settings, kb.store, kb.catalogue)
    app.extensions["admission"] = Admission(settings.client_queries,
                                            settings.query_workers + settings.query_queue)
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False  # waitress gives the root logger a handler later: log each line once


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
    g.sparql_started = time.perf_counter()


def log_request(response):
    """Log one request: method, path, status, duration and the hash of its query."""
    seconds = time.perf_counter() - g.get("sparql_started", time.perf_counter())
    log.info("%s %s %s %.1fms query=%s", request.method, request.path, response.status_code,
             seconds * 1000, g.get("query_digest", "-"))
    return response
