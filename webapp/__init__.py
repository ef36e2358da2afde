"""The web app: browsing pages for clinicians, the SPARQL endpoint for researchers."""

import os

from flask import Flask
from flask_compress import Compress

from kb.settings import BY_NAME, Settings

from . import caching, errors, links, security, services


def create_app(test_config=None):
    """Create the app: defaults, then KB_* environment variables, then the test config.

    The settings are read once here; the app's services (the KB, the query service, the
    request log) and its template globals are made from them, and the blueprints only read them.
    """
    test_config = dict(test_config or {})
    settings = Settings.load(os.environ, **{k: v for k, v in test_config.items() if k in BY_NAME})
    app = Flask(__name__)
    app.config.update(settings.as_config(), KB_SETTINGS=settings)
    app.config.update({k: v for k, v in test_config.items() if k not in BY_NAME})
    app.json.sort_keys = False
    services.init_app(app, settings)
    errors.init_app(app)
    caching.init_app(app)
    links.init_app(app)
    security.init_app(app)
    Compress(app)  # gzip or brotli for clients that accept it
    from .views import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
