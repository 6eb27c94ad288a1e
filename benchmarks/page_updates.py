"""Times the lab page's analytic update (not a test: no timed assertions anywhere).

    .venv/bin/python -m benchmarks.page_updates [--updates 100]

Starts server.py, opens the lab in Debian's Chromium, fills the smile with Lewis's quotes (so every
analytic part is live), then sets the spot 100 times the way a slider does (value + `input`
event) and times each update from the event to the end of the microtasks it queued (uPlot draws
in a microtask), i.e. price, Greeks, implied vols, both Greek curves (2 x 202 contracts) and the
smile, redrawn. Prints the median, 95th percentile and maximum in milliseconds.
"""

from __future__ import annotations

import argparse

from benchmarks.lab_page import lab_page

MEASURE = """async (n) => {
    const spot = document.getElementById("spot-range");
    const times = [];
    for (let i = 0; i < n; i++) {
        spot.value = String(60 + (i % 80));
        const t0 = performance.now();
        spot.dispatchEvent(new Event("input", { bubbles: true }));
        await Promise.resolve();
        await new Promise((r) => queueMicrotask(r));
        times.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 5));
    }
    times.sort((a, b) => a - b);
    const q = (p) => times[Math.min(n - 1, Math.floor(p * n))];
    return { median: q(0.5), p95: q(0.95), max: times[n - 1], n };
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=100)
    args = parser.parse_args()
    with lab_page(width=1360, height=1000) as page:
        page.get_by_role("button", name="Example: Lewis's Heston prices").click()
        page.evaluate(MEASURE, 10)  # warm-up (JIT, first draws)
        r = page.evaluate(MEASURE, args.updates)
        engine = page.evaluate("() => pricingLab.version()")
        print(f"engine {engine}: {r['n']} analytic updates (price, Greeks, IVs, 2 curves, smile):")
        print(f"  median {r['median']:.2f} ms, p95 {r['p95']:.2f} ms, max {r['max']:.2f} ms")


if __name__ == "__main__":
    main()
