"""pricinglab.plot: well-formed, CSP-safe SVG whose geometry matches the data; the domain
charts plot the right numbers (checked against pricinglab.reference and the normal quantile
from the standard library)."""

from __future__ import annotations

import doctest
import itertools
import math
import statistics
import xml.etree.ElementTree as ET

import pytest

import pricinglab as pl
from pricinglab import plot, reference

SVG = "{http://www.w3.org/2000/svg}"
# Coordinates are written with two decimals.
PIXEL_TOLERANCE = 0.006
# The chart's numbers come from the active backend (the reference under CPython).
VALUE_TOLERANCE = 1e-12


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def points(element: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in (p.split(",") for p in element.attrib["points"].split())
    ]


def plot_area(root: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the frame: the rect with no fill and a stroke."""
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("fill") == "none":
            x, y = float(rect.attrib["x"]), float(rect.attrib["y"])
            return x, y, x + float(rect.attrib["width"]), y + float(rect.attrib["height"])
    raise AssertionError("no plot frame")


def y_ticks(root: ET.Element) -> dict[float, float]:
    """Tick label value -> its pixel row (labels right-aligned left of the frame)."""
    out = {}
    for text in root.iter(f"{SVG}text"):
        if text.get("text-anchor") == "end" and text.text and text.get("font-size") == "11":
            value = float(text.text.rstrip("%")) / (100 if text.text.endswith("%") else 1)
            out[value] = float(text.attrib["y"]) - 4  # labels sit 4 px below their line
    return out


# ----------------------------------------------------------------------------- ticks


@pytest.mark.parametrize(
    ("low", "high"), [(0, 1), (87, 113), (-3.2, 7.9), (1e-4, 3e-4), (0.15, 0.42), (5, 5e6)]
)
def test_nice_ticks_are_round_evenly_spaced_and_cover_the_range(low: float, high: float) -> None:
    ticks = plot.nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    assert 3 <= len(ticks) <= 12
    steps = {round(b - a, 12) for a, b in itertools.pairwise(ticks)}
    step = ticks[1] - ticks[0]
    assert all(math.isclose(s, step, rel_tol=1e-9) for s in steps)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1, 2, 5, 10))
    # one step less on either side would not cover the range
    assert ticks[1] > low and ticks[-2] < high


def test_nice_ticks_rejects_bad_ranges() -> None:
    with pytest.raises(ValueError, match="finite low <= high"):
        plot.nice_ticks(2, 1)
    with pytest.raises(ValueError, match="finite low <= high"):
        plot.nice_ticks(0, math.inf)
    assert plot.nice_ticks(3, 3) == [3]


# ----------------------------------------------------------------------------- SVG


def test_svg_is_well_formed_and_csp_safe() -> None:
    chart = plot.line_chart(
        [1, 2, 3], {'a <&> "b"': [1, 4, 9]}, title="<script>x</script> & co", x_label="x<y"
    )
    root = parse(chart.to_svg())
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "<script>x</script> & co"
    for el in root.iter():
        assert "style" not in el.attrib, el.tag  # CSP style-src 'self' forbids style=""
        assert "id" not in el.attrib  # many charts share a page
        assert el.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert 'a <&> "b"' in texts and "x<y" in texts
    assert chart._repr_svg_() == chart.to_svg()


def test_points_map_linearly_onto_the_frame_and_the_y_ticks() -> None:
    xs = [0.0, 1.0, 2.5, 4.0]
    ys = [3.0, -1.0, 2.0, 0.5]
    root = parse(plot.line_chart(xs, ys).to_svg())
    left, top, right, bottom = plot_area(root)
    (line,) = root.iter(f"{SVG}polyline")
    pts = points(line)
    # x spans the data exactly: first and last point on the frame's edges
    assert pts[0][0] == pytest.approx(left, abs=PIXEL_TOLERANCE)
    assert pts[-1][0] == pytest.approx(right, abs=PIXEL_TOLERANCE)
    for (px, _), x in zip(pts, xs, strict=True):
        assert px == pytest.approx(left + x / 4.0 * (right - left), abs=PIXEL_TOLERANCE)
    # y: each point sits where the tick labels say its value is
    ticks = y_ticks(root)
    (v0, p0), (v1, p1) = min(ticks.items()), max(ticks.items())
    assert p0 == pytest.approx(bottom, abs=PIXEL_TOLERANCE)
    assert p1 == pytest.approx(top, abs=PIXEL_TOLERANCE)
    for (_, py), y in zip(pts, ys, strict=True):
        assert py == pytest.approx(p0 + (y - v0) / (v1 - v0) * (p1 - p0), abs=PIXEL_TOLERANCE)


def test_log_axis_spaces_decades_evenly() -> None:
    root = parse(plot.line_chart([10, 100, 1000, 10000], [1, 2, 3, 4], x_log=True).to_svg())
    pts = points(next(root.iter(f"{SVG}polyline")))
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(pts)]
    assert max(gaps) - min(gaps) < 2 * PIXEL_TOLERANCE
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert {"10", "100", "1000", "10000"} <= labels
    root = parse(plot.line_chart([0.01, 1e6, 2e7], [1, 2, 3], x_log=True).to_svg())
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert {"0.01", "1", "100000", "1e6", "1e7"} <= labels and not any("+" in x for x in labels)


def test_non_finite_values_break_the_line() -> None:
    root = parse(plot.line_chart([1, 2, 3, 4, 5], [1, 2, math.nan, 4, 5]).to_svg())
    lines = list(root.iter(f"{SVG}polyline"))
    assert [len(points(line)) for line in lines] == [2, 2]


def test_markers_dash_legend_and_reference_lines() -> None:
    chart = plot.Chart(title="t").line([1, 2], [1, 2], "est", markers=True, dash=True)
    chart.hline(1.5, "exact").vline(1.5, "strike")
    root = parse(chart.to_svg())
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    dashed = [el for el in root.iter(f"{SVG}polyline") if el.get("stroke-dasharray")]
    assert len(dashed) == 1
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"est", "exact", "strike"} <= texts


@pytest.mark.parametrize(
    ("call", "message", "error"),
    [
        (lambda: plot.line_chart([1, 2], [1]), "y has length 1 but x has length 2", ValueError),
        (
            lambda: plot.line_chart([1, 2], ["a", 2]),
            r"y\[0\] must be a number \(got str\)",
            TypeError,
        ),
        (lambda: plot.line_chart("ab", [1, 2]), "x must be a sequence of numbers", TypeError),
        (
            lambda: plot.line_chart([1, 2], [True, 2]),
            r"y\[0\] must be a number \(got bool\)",
            TypeError,
        ),
        (
            lambda: plot.line_chart([1, 2], [math.nan] * 2).to_svg(),
            "y: no finite values",
            ValueError,
        ),
        (
            lambda: plot.line_chart([-1, 0], [1, 2], x_log=True).to_svg(),
            "> 0 on a log axis",
            ValueError,
        ),
        (lambda: plot.Chart().to_svg(), "no series", ValueError),
        (lambda: plot.convergence([1, 2], [1, 2], [1]), "std_errors has length 1", ValueError),
    ],
)
def test_bad_input_is_reported(call, message, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()


def test_points_at_or_below_zero_are_skipped_on_a_log_axis() -> None:
    root = parse(plot.line_chart([0, 10, 100], [1, 2, 3], x_log=True).to_svg())
    assert [len(points(line)) for line in root.iter(f"{SVG}polyline")] == [2]


# ----------------------------------------------------------------------------- domain charts

MARKET = {"expiry": 0.75, "rate": 0.03, "dividend": 0.01, "vol": 0.25}


def test_payoff_plots_intrinsic_value_and_black_scholes() -> None:
    spots = [60.0, 80.0, 100.0, 120.0, 140.0]
    chart = plot.payoff("put", 100.0, **MARKET, spots=spots)
    payoff_series, value_series = chart._series
    assert payoff_series.y == [max(100.0 - s, 0.0) for s in spots]
    for s, v in zip(spots, value_series.y, strict=True):
        expected = reference.black_scholes("put", s, 100.0, *MARKET.values())
        assert v == pytest.approx(expected, rel=VALUE_TOLERANCE, abs=VALUE_TOLERANCE)
    assert parse(chart.to_svg()) is not None


def test_greeks_small_multiples_match_the_reference() -> None:
    spots = [70.0, 90.0, 100.0, 110.0, 130.0]
    grid = plot.greeks("call", 100.0, **MARKET, names=("delta", "vanna", "theta"), spots=spots)
    assert [c.title.split()[0] for c in grid.charts] == ["delta", "vanna", "theta"]
    for chart, name in zip(grid.charts, ("delta", "vanna", "theta"), strict=True):
        for s, v in zip(spots, chart._series[0].y, strict=True):
            expected = reference.greeks("call", s, 100.0, *MARKET.values())[name]
            assert v == pytest.approx(expected, rel=1e-10, abs=1e-12)
    root = parse(grid.to_svg())
    assert len(list(root.iter(f"{SVG}polyline"))) == 3
    with pytest.raises(ValueError, match="unknown Greek 'delat'"):
        plot.greeks("call", 100.0, **MARKET, names=("delat",))


def test_convergence_band_is_the_95_percent_interval() -> None:
    assert statistics.NormalDist().inv_cdf(0.975) == pytest.approx(plot.Z_95, rel=1e-15)
    result = pl.monte_carlo(
        model="gbm",
        kind="call",
        spot=100,
        strike=100,
        expiry=1,
        rate=0.05,
        dividend=0,
        vol=0.2,
        paths=2000,
        seed=3,
    )
    chart = plot.convergence([2000], [result["price"]], [result["std_error"]], exact=10.45)
    band = chart._series[0]
    assert band.y == [pytest.approx(result["ci_low"], rel=1e-9)]
    assert band.y2 == [pytest.approx(result["ci_high"], rel=1e-9)]


def test_smile_labels_percent_and_marks_spot() -> None:
    root = parse(plot.smile([90, 100, 110], [0.25, 0.2, 0.22], spot=100).to_svg())
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.endswith("%")]
    # vols 0.2..0.25 are labelled 20%..25% (whole percent steps), not 0.2..0.25
    assert labels == ["20%", "21%", "22%", "23%", "24%", "25%"]
    assert "spot" in {t.text for t in root.iter(f"{SVG}text")}


# ----------------------------------------------------------------------------- tables


def test_table_text_keeps_every_digit_and_html_is_escaped() -> None:
    values = [0.1 + 0.2, 1 / 3, math.pi * 1e-9]
    t = plot.table({"<k>": [1, 2, 3], "v": values}, caption="a & b")
    lines = repr(t).splitlines()
    assert lines[0] == "a & b"
    parsed = [float(line.split()[-1]) for line in lines[2:]]
    assert parsed == values  # repr round-trips floats exactly
    html = t._repr_html_()
    assert "&lt;k&gt;" in html and "a &amp; b" in html and "0.333333" in html
    assert ET.fromstring(html).tag == "table"
    with pytest.raises(ValueError, match="column 'b' has length 1 but 'a' has length 2"):
        plot.table({"a": [1, 2], "b": [1]})


def test_doctests() -> None:
    failures, tests = doctest.testmod(plot)
    assert tests > 0 and failures == 0


@pytest.mark.parametrize(("low", "high"), [(52.5, 157.5), (50, 150), (0.9, 1.05), (-3, 1000)])
def test_x_ticks_lie_inside_the_data_and_are_not_too_few(low: float, high: float) -> None:
    root = parse(plot.line_chart([low, high], [0, 1]).to_svg())
    left, _, right, bottom = plot_area(root)
    labels = [
        t
        for t in root.iter(f"{SVG}text")
        if t.get("text-anchor") == "middle" and float(t.attrib["y"]) == pytest.approx(bottom + 16)
    ]
    values = [float(t.text or "nan") for t in labels]
    assert len(values) >= 4
    assert all(low <= v <= high for v in values)
    for t, v in zip(labels, values, strict=True):  # each label sits where its value maps
        px = left + (v - low) / (high - low) * (right - left)
        assert float(t.attrib["x"]) == pytest.approx(px, abs=PIXEL_TOLERANCE)
