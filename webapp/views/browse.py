"""Browsing pages for clinicians: home, conditions."""

from flask import Blueprint

from ..kbconn import get_kb
from ..render import page

bp = Blueprint("browse", __name__)


@bp.get("/")
@bp.get("/index.json")
def home():
    """Show the KB's counts and its conditions grouped as the article groups them."""
    kb = get_kb()
    groups = {}
    for row in kb.rows("conditions-overview"):
        groups.setdefault(row["group_label"], []).append(row)
    data = {"stats": kb.stats(), "groups": groups}
    return page("home.html", data, title="Ketamine evidence KB", json_path="/index.json")
