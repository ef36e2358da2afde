"""Every page kind on a 390 px phone screen in Debian's headless Chromium: nothing scrolls the page
sideways (a wide table or the evidence map scrolls inside its own box)."""

import pytest

from .conftest import ROOT, artifacts

ARTIFACTS = ROOT / "test-artifacts" / "phone"
PAGES = ["/", "/conditions/crps", "/conditions/ptsd", "/claims", "/claims/crps-weeks-pain-free",
         "/studies", "/studies/cheung-2020-palliative-care-unit", "/designs", "/designs/rct", "/sources",
         "/sources/sunshine-pain-2022-ketamine-infusions", "/routes/iv-infusion", "/evidence-map",
         "/search?q=ketamine", "/audit", "/download", "/queries/", "/queries/study", "/sparql",
         "/outcomes/pain-intensity", "/no-such-page"]

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def phone(chromium):
    artifacts("phone")
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_page_is_wider_than_a_phone(phone, live_server, path):
    phone.goto(live_server + path)
    width = phone.evaluate("document.documentElement.scrollWidth")
    name = path.strip("/").replace("/", "-").replace("?", "-") or "home"
    phone.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
    assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
