"""The web app: browsing pages for clinicians, the SPARQL endpoint for researchers."""

from flask import Flask

from kb import settings as config

from . import caching, errors, kbconn


def create_app(test_config=None):
    """Create the app: defaults, then KB_* environment variables, then the test config."""
    app = Flask(__name__)
    app.config.update(config.defaults())
    app.config.from_prefixed_env("KB")
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False
    kbconn.init_app(app)
    errors.init_app(app)
    caching.init_app(app)
    from .views import browse, claims, concepts, conditions, linked_data, sources, studies

    app.register_blueprint(browse.bp)
    for module in (conditions, claims, studies, sources, concepts, linked_data):
        app.register_blueprint(module.bp)
    from .views import exports

    app.register_blueprint(exports.bp)  # /audit, citation exports, /download/<export>
    from .views import queries, sparql

    app.register_blueprint(sparql.bp)  # /sparql, /.well-known/void
    app.register_blueprint(queries.bp)  # /queries/, /queries/NAME(.json|.csv)
    return app
