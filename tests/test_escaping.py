"""Every value from the data is escaped: markup in a label shows as text on every page."""

import shutil
from pathlib import Path

import pytest

from webapp import create_app

from .conftest import DATA_DIRS, build_store
from .pagecheck import Page

HOSTILE = Path(__file__).parent / "fixtures" / "hostile-labels.ttl"
PAGES = ["/", "/conditions/hostile", "/claims/hostile-claim", "/studies/hostile-study", "/studies",
         "/claims", "/designs/rct", "/routes/iv-infusion", "/groups/chronic-pain", "/evidence-map",
         "/sources/sunshine-pain-2022-ketamine-infusions", "/search?q=script", "/search?q=%3Cb%3E",
         "/conditions/hostile?design=rct"]
RAW = ["<script>alert(", "<img src=x", "<b>bold", "<iframe", "<svg onload", "<i>curator",
       "<a href='javascript", "<Hostile>"]


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """An app over the curated data plus one condition, claim and study whose values hold markup."""
    folder = tmp_path_factory.mktemp("hostile")
    for source in DATA_DIRS:
        shutil.copytree(source, folder / source.name)
    shutil.copy(HOSTILE, folder / "data" / "claims" / HOSTILE.name)
    spec = build_store(folder, [folder / "ontology", folder / "data"])
    return create_app({"TESTING": True, "STORE": spec}).test_client()


@pytest.mark.parametrize("path", PAGES)
def test_markup_in_the_data_shows_as_text(path, hostile_client):
    response = hostile_client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    leaked = [raw for raw in RAW if raw in html]
    assert not leaked, f"{path} renders data as markup: {leaked}"
    assert Page(html).scripts == 0


@pytest.mark.parametrize("path, shown", [
    ("/conditions/hostile", "<script>alert('condition')</script> & co"),
    ("/claims/hostile-claim", "<img src=x onerror=alert('statement')> works"),
    ("/studies/hostile-study", "<script>alert('study')</script> trial"),
])
def test_the_value_is_still_readable(path, shown, hostile_client):
    assert shown in Page(hostile_client.get(path).get_data(as_text=True)).text


def test_the_json_twin_keeps_the_value_as_it_is(hostile_client):
    data = hostile_client.get("/conditions/hostile.json").get_json()
    assert data["condition"]["label"] == "<script>alert('condition')</script> & co"


@pytest.mark.parametrize("path", ["/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
                                  "/conditions/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                                  "/id/claim/%3Cscript%3E.ttl"])
def test_markup_in_the_address_shows_as_text(path, hostile_client):
    html = hostile_client.get(path).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<script>" not in html
