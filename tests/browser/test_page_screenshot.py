"""Takes the README's screenshot: the lab in light mode with Heston selected, a smile from
Lewis's reference prices, a finished Monte Carlo run and a finished race (measured live).

It is written to test-results/screenshot.png on every run; with PRICINGLAB_SCREENSHOT=1 it
replaces docs/screenshot.png (the race times change from run to run, so ordinary test runs
leave the committed picture alone)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = (
    ROOT / "docs" / "screenshot.png"
    if os.environ.get("PRICINGLAB_SCREENSHOT") == "1"
    else ROOT / "test-results" / "screenshot.png"
)
WIDTH = 1360
RUN_TIMEOUT_MS = 180_000


def test_screenshot_for_the_readme(page: Page, base_url: str, page_errors: list[str]) -> None:
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": WIDTH, "height": 1000})
    page.goto(f"{base_url}/#model=heston&kind=put&plot=gamma")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.get_by_role("button", name="Example: Lewis's Heston prices").click()
    expect(page.get_by_test_id("mc-status")).to_contain_text(" s on ", timeout=RUN_TIMEOUT_MS)
    page.get_by_role("button", name="Start the race").click()
    expect(page.locator("#race")).to_have_attribute("data-state", "done", timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_test_id("mc-status")).to_contain_text(" s on ")  # its result kept

    # A viewport as tall as the page: the sticky inputs column stays at the top of the picture.
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": height})
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(300)  # charts follow the resize on the next frame
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 50_000
