"""Render one page's data as HTML or as its JSON twin."""

from flask import make_response, render_template, request

from .negotiation import wants_json


def page(template, data, title, json_path=None):
    """Return the page data as JSON for JSON clients, else the rendered template."""
    json_path = json_path or request.path + ".json"
    if wants_json():
        response = make_response({"ok": True, **data})
    else:
        response = make_response(render_template(template, title=title, json_path=json_path, **data))
        response.vary.add("Accept")
    response.headers.add("Link", f'<{json_path}>; rel="alternate"; type="application/json"')
    return response
