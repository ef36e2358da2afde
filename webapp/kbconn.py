"""The knowledge base attached to the app the way a database connection is."""

from flask import current_app

from kb.knowledge import KnowledgeBase

EXTENSION = "kb"


def init_app(app):
    """Open the KB the app's settings name; the store itself opens lazily on first use."""
    settings = {k: app.config[k] for k in ("STORE", "QUERIES_DIR", "ROW_LIMIT")}
    app.extensions[EXTENSION] = KnowledgeBase.from_settings(settings)


def get_kb():
    """Return the app's KnowledgeBase."""
    return current_app.extensions[EXTENSION]
