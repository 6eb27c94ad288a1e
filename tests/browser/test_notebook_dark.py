"""The notebook in dark mode: readable syntax colours and charts that follow the theme."""

from __future__ import annotations

from playwright.sync_api import Page
from test_notebook import cells, new_notebook, open_notebook, outputs, wait_idle

# WCAG 2.1 AA for normal text.
MIN_CONTRAST = 4.5

CONTRAST = """
(pair) => {
  const rgb = (s) => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const lin = (v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const [r, g, b] = rgb(c).map((v) => lin(v / 255));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = pair.map(lum).sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def test_dark_mode_syntax_and_charts(page: Page, base_url: str, page_errors: list[str]) -> None:
    page.emulate_media(color_scheme="dark")
    open_notebook(page, base_url)
    new_notebook(
        page,
        [
            "import pricinglab.plot as plot  # a comment\n"
            "plot.smile([90, 100, 110], [0.25, 0.2, 0.22])"
        ],
    )
    cells(page).nth(0).locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+Enter")
    wait_idle(page)
    background = page.evaluate(
        "() => getComputedStyle(document.querySelector('.cell')).backgroundColor"
    )
    colours = (
        cells(page)
        .nth(0)
        .locator(".cm-content")
        .evaluate(
            """(el) => {
            const out = {};
            for (const span of el.querySelectorAll("span")) {
                out[span.textContent.trim()] = getComputedStyle(span).color;
            }
            return out;
        }"""
        )
    )
    for token in ("import", "# a comment", "90"):
        assert token in colours, colours
        ratio = page.evaluate(CONTRAST, [colours[token], background])
        assert ratio >= MIN_CONTRAST, (token, colours[token], background, ratio)
    chart = outputs(page).nth(0).locator("svg")
    fills = chart.evaluate(
        """(svg) => ({
            bg: getComputedStyle(svg.querySelector('.pl-bg')).fill,
            text: getComputedStyle(svg.querySelector('.pl-text')).fill,
            card: getComputedStyle(document.querySelector('.cell')).backgroundColor,
        })"""
    )
    assert fills["bg"] != "rgb(255, 255, 255)"
    assert page.evaluate(CONTRAST, [fills["text"], fills["bg"]]) >= MIN_CONTRAST
