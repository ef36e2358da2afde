"""Every setting is declared once, has a help line, and is documented in the README."""

import pytest

from kb import settings
from webapp import create_app

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting):
    assert setting.help.strip()
    assert f"`KB_{setting.name}`" in README or f"`KB_{setting.name}`," in README, \
        f"add KB_{setting.name} to the README's settings table"


def test_environment_variables_reach_the_app(monkeypatch, store_spec):
    monkeypatch.setenv("KB_ROW_LIMIT", "7")
    monkeypatch.setenv("KB_STORE", store_spec)
    app = create_app()
    assert app.config["ROW_LIMIT"] == 7


def test_a_bad_setting_names_the_variable(monkeypatch):
    monkeypatch.setenv("KB_QUERY_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="KB_QUERY_TIMEOUT='soon'"):
        settings.get("QUERY_TIMEOUT")
