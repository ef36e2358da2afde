"""The web app: browsing pages for clinicians, the SPARQL endpoint for researchers."""

from flask import Flask

from kb import settings as config

from . import errors, kbconn


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
    from .views import browse

    app.register_blueprint(browse.bp)
    return app
