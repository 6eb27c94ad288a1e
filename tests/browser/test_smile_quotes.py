"""The smile card's quotes, as a user pastes them: CSV dialects read right or rejected with a
reason, duplicates flagged without a bad row hiding a good one, prices at the lower bound not
plotted, one curve per expiry, and vols shown to the digits the price carries."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pricinglab import reference

# Inputs the card takes from the page (the lab's defaults): spot 100, rate 0.05, dividend 0.
SPOT, RATE, DIVIDEND = 100.0, 0.05, 0.0
# Two implementations of Let's Be Rational (wasm and the pure-Python reference) on one price.
VOL_TOL = 1e-9


def parse(lab: Page, text: str) -> dict[str, Any]:
    result: dict[str, Any] = lab.evaluate(
        """async (text) => {
            const { parseQuotes } = await import("./lab/quotes.js");
            return parseQuotes(text, { kind: "call", expiry: 1 });
        }""",
        text,
    )
    return result


def smile_rows(lab: Page) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = (
        lab.get_by_test_id("smile-body")
        .locator("tr")
        .evaluate_all(
            "(trs) => trs.map((tr) => ({...tr.dataset, vol_text: tr.lastElementChild.textContent}))"
        )
    )
    return rows


def paste(lab: Page, text: str) -> None:
    lab.locator("#smile-csv").fill(text)
    lab.wait_for_function(
        "(n) => document.querySelectorAll('#smile-body tr').length === n",
        arg=sum(1 for line in text.splitlines()[1:] if line.strip()),
    )


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        # Semicolon-separated with decimal commas (a European spreadsheet export).
        ("strike;price\n100;13,03", "price", 13.03),
        # Comma-separated, a quoted field grouping thousands.
        ('strike,price\n"1,000",25.5', "strike", 1000.0),
        ('strike,price\n"1,000.5",25.5', "strike", 1000.5),
        # Tab-separated.
        ("strike\tprice\n95\t7.25", "price", 7.25),
        # Expiry in days, by its column's name.
        ("strike,price,days\n100,10,73", "expiry", 0.2),
        # bid/ask without a price: the mid.
        ("strike,bid,ask\n100,9.5,10.5", "price", 10.0),
    ],
)
def test_csv_dialects_are_read(lab: Page, text: str, field: str, expected: float) -> None:
    result = parse(lab, text)
    assert result["errors"] == []
    assert result["rows"][0][field] == pytest.approx(expected, rel=1e-15)


def test_kinds_and_common_headers(lab: Page) -> None:
    result = parse(lab, "Type,Strike,Mid\nC,90,15\nP,110,12\nput,100,8\ncall,100,11")
    assert result["errors"] == []
    assert [r["kind"] for r in result["rows"]] == ["call", "put", "put", "call"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # Three fields under two columns: not silently read as 13.
        ("strike,price\n100,13,03", "3 fields but 2 columns"),
        ("strike,price\n100,abc", 'price "abc" is not a number'),
        ("strike,price\n1e,5", 'strike "1e" is not a number'),
        ("strike,price,kind\n100,5,straddle", 'kind "straddle"'),
        ("strike,bid,ask\n100,11,10", "crossed"),
        ("strike,price,expiry\n100,5,90", 'name the column "days"'),
        ("strike,expiry\n100,1", "the header needs strike, and price"),
    ],
)
def test_unreadable_rows_get_a_reason(lab: Page, text: str, reason: str) -> None:
    result = parse(lab, text)
    assert result["rows"] == []
    assert any(reason in e for e in result["errors"]), result["errors"]
    assert all("line" in e for e in result["errors"])


def test_a_bad_duplicate_never_displaces_the_good_quote(lab: Page) -> None:
    # Line 3 is above the upper bound of a call (the spot); line 2 is a good quote.
    paste(lab, "strike,price,kind\n100,10.45,call\n100,500,call")
    errors = lab.get_by_test_id("smile-errors")
    expect(errors).to_contain_text("line 3: the same call, strike 100 and expiry 1 as line 2")
    expect(errors).to_contain_text("upper bound")
    rows = smile_rows(lab)
    assert [r["plotted"] for r in rows] == ["true", "false"]
    expected = reference.implied_vol("call", 10.45, SPOT, 100.0, 1.0, RATE, DIVIDEND)
    assert float(rows[0]["vol"]) == pytest.approx(expected, abs=VOL_TOL)
    assert lab.get_by_test_id("chart-smile").get_attribute("data-points") == "1"

    # The bad row first: the good one (line 3) is still the one plotted.
    paste(lab, "strike,price,kind\n100,500,call\n100,10.45,call")
    assert [r["plotted"] for r in smile_rows(lab)] == ["false", "true"]
    assert lab.get_by_test_id("chart-smile").get_attribute("data-points") == "1"


def test_a_price_at_its_lower_bound_is_not_plotted(lab: Page) -> None:
    # A far out-of-the-money call at 0.00 has no time value: vol 0 is not a quote.
    paste(lab, "strike,price\n100,10.45\n300,0.00")
    expect(lab.get_by_test_id("smile-errors")).to_contain_text("line 3 (strike 300)")
    expect(lab.get_by_test_id("smile-errors")).to_contain_text("lower bound")
    assert [r["plotted"] for r in smile_rows(lab)] == ["true", "false"]
    assert lab.get_by_test_id("chart-smile").get_attribute("data-points") == "1"


def test_one_curve_per_expiry(lab: Page) -> None:
    quotes = "strike,price,expiry\n90,14.67,0.5\n100,8.0,0.5\n90,17.5,1\n100,10.45,1\n110,6.04,1"
    paste(lab, quotes)
    chart = lab.get_by_test_id("chart-smile")
    expect(chart).to_have_attribute("data-series", "2")
    legend = chart.locator(".u-legend").inner_text()
    assert "T=0.5 calls" in legend
    assert "T=1 calls" in legend
    # Strikes are the union over expiries.
    assert chart.get_attribute("data-points") == "3"
    expect(lab.get_by_test_id("smile-errors")).to_have_text("")


def test_vol_shown_to_the_digits_of_the_price(lab: Page) -> None:
    paste(lab, "strike,price\n100,10.45\n110,6.040000000000001")
    rows = smile_rows(lab)
    short = rows[0]["vol_text"]
    # 4 significant digits in "10.45": the vol is shown to 4 ("0.2001"), not 15.
    assert len(short.replace("0.", "", 1).lstrip("0")) <= 4, short
    assert float(short) == pytest.approx(float(rows[0]["vol"]), rel=1e-3)
    assert len(rows[1]["vol_text"]) > 10
