"""Headers every response carries, so that a browser keeps the pages and the editor to this site."""

# The one inline style allowed is the <style> that YASGUI's column resizer adds (by its hash, so
# an upgrade that changes it shows up as a refused style in tests/test_editor_browser.py).
RESIZER_STYLE = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"
CSP = (f"default-src 'self'; script-src 'self'; style-src 'self' {RESIZER_STYLE}; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def init_app(app):
    """Add the security headers to every response, errors included."""

    @app.after_request
    def secure(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
