"""The notebook's browser storage as a user meets it: large results stay small, examples are
saved once, saved notebooks can be deleted, and two tabs on one notebook never overwrite each
other silently."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from test_notebook import (
    cells,
    expect_ready,
    new_notebook,
    open_notebook,
    outputs,
    set_source,
    wait_idle,
)

# What a 100,000-row result may take in the page (IPython's pretty printer cuts sequences at
# 1,000 items, and so does the kernel).
MAX_RESULT_CHARS = 60_000


def saved_keys(page: Page) -> list[str]:
    keys: list[str] = page.evaluate(
        "() => JSON.parse(localStorage.getItem('pricinglab.notebook.index')).map((e) => e.key)"
    )
    return keys


def run_first(page: Page) -> None:
    cells(page).nth(0).locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+Enter")
    wait_idle(page)


def test_a_large_result_is_cut(page: Page, base_url: str, page_errors: list[str]) -> None:
    open_notebook(page, base_url)
    new_notebook(
        page,
        [
            "import pricinglab as pl\n"
            "pl.black_scholes_many('call', [100.0] * 100_000, 100, 1, 0.05, 0, 0.2)"
        ],
    )
    run_first(page)
    text = outputs(page).nth(0).inner_text()
    assert "(99,000 more)" in text
    assert len(text) < MAX_RESULT_CHARS
    saved = page.evaluate(
        "() => localStorage.getItem('pricinglab.notebook.data.' + notebookApp.key).length"
    )
    assert saved < 2 * MAX_RESULT_CHARS


def test_an_example_is_saved_once_and_can_be_deleted(
    page: Page, base_url: str, page_errors: list[str]
) -> None:
    open_notebook(page, base_url)
    for _ in range(2):
        page.locator("#examples").select_option("greeks_and_payoffs.ipynb")
        expect(page.locator("#notebook-name")).to_have_value("greeks_and_payoffs")
        page.get_by_role("button", name="New", exact=True).click()
    example_keys = [k for k in saved_keys(page) if "greeks_and_payoffs" in k]
    assert example_keys == ["example-greeks_and_payoffs.ipynb"]

    # An edit to the example is kept in its one copy...
    page.locator("#examples").select_option("greeks_and_payoffs.ipynb")
    set_source(page, 0, "# my notes")
    page.get_by_role("button", name="New", exact=True).click()
    page.locator("#examples").select_option("greeks_and_payoffs.ipynb")
    expect(cells(page).nth(0)).to_contain_text("# my notes")
    # ...until the copy is deleted (after a confirmation): then the original opens again.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator("#notebook-name")).to_have_value("Untitled")
    assert "example-greeks_and_payoffs.ipynb" not in saved_keys(page)
    page.locator("#examples").select_option("greeks_and_payoffs.ipynb")
    expect(cells(page).nth(0)).not_to_contain_text("# my notes")


def test_declining_the_delete_keeps_the_notebook(
    page: Page, base_url: str, page_errors: list[str]
) -> None:
    open_notebook(page, base_url)
    new_notebook(page, ["kept = True"])
    key = page.evaluate("() => notebookApp.key")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete", exact=True).click()
    assert page.evaluate("() => notebookApp.key") == key
    assert key in saved_keys(page)


def test_two_tabs_never_overwrite_each_other(
    page: Page, base_url: str, page_errors: list[str]
) -> None:
    open_notebook(page, base_url)
    new_notebook(page, ["first = 1"])
    page.evaluate("() => notebookApp.saveNow()")
    other = page.context.new_page()
    open_notebook(other, base_url)  # reopens the same (current) notebook
    assert other.evaluate("() => notebookApp.key") == page.evaluate("() => notebookApp.key")
    set_source(other, 0, "edited in the other tab")
    other.evaluate("() => notebookApp.saveNow()")
    # This tab is told, and its own save does not replace the other tab's edit.
    expect(page.get_by_role("alert")).to_contain_text("saved from another tab")
    set_source(page, 0, "edited here")
    page.evaluate("() => notebookApp.saveNow()")
    expect(page.locator("#save-status")).to_contain_text("changed in another tab")
    stored = page.evaluate(
        "() => localStorage.getItem('pricinglab.notebook.data.' + notebookApp.key)"
    )
    assert "edited in the other tab" in stored
    assert "edited here" not in stored
    other.close()
    expect_ready(page)
