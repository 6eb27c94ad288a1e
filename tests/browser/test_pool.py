"""The Monte Carlo worker pool (web/workers/pool.js): the same result for 1 and N workers and as
the engine on the main thread, progress events, cancel, errors, and the single-worker fallback
without cross-origin isolation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

# Paths not a multiple of the engine's block (2048 paths): the last block is partial.
GBM: dict[str, Any] = {
    "model": "gbm",
    "kind": "call",
    "spot": 100,
    "strike": 105,
    "expiry": 0.75,
    "rate": 0.03,
    "dividend": 0.01,
    "vol": 0.25,
    "paths": 300_001,
    "seed": 7,
}
HESTON: dict[str, Any] = {
    "model": "heston",
    "kind": "put",
    "spot": 100,
    "strike": 100,
    "expiry": 1,
    "rate": 0.05,
    "dividend": 0,
    "v0": 0.04,
    "kappa": 1.5,
    "theta": 0.04,
    "xi": 0.3,
    "rho": -0.7,
    "paths": 50_001,
    "steps": 50,
    "seed": 3,
}
ROUGH: dict[str, Any] = {
    **HESTON,
    "model": "rough_heston",
    "hurst": 0.1,
    "paths": 6_001,
    "steps": 40,
}
POOL_TIMEOUT_MS = 120_000

RUN = """async ([params, sizes]) => {
    const { McPool } = await import("/workers/pool.js");
    const out = [];
    for (const n of sizes) {
        const pool = new McPool(n);
        const { blockSums, blockLen, blockSamples, workers, ...result } = await pool.run(params);
        pool.terminate();
        out.push({ n, workers, result, blocks: blockSums.length });
    }
    const { ...single } = pricingLab.monte_carlo(params);
    return { runs: out, single };
}"""


@pytest.mark.parametrize("params", [GBM, HESTON, ROUGH], ids=["gbm", "heston", "rough_heston"])
def test_identical_results_for_1_and_n_workers(lab: Page, params: dict[str, Any]) -> None:
    lab.set_default_timeout(POOL_TIMEOUT_MS)
    out = lab.evaluate(RUN, [params, [1, 2, 3, 4]])
    runs = out["runs"]
    assert [r["workers"] for r in runs] == [1, 2, 3, 4]  # the page is cross-origin isolated
    first = runs[0]["result"]
    for r in runs[1:]:
        assert r["result"] == first, f"{r['n']} workers"  # bit-identical, every field
    assert first == out["single"]  # and the same as the whole run on the main thread
    assert first["paths"] >= params["paths"]


def test_progress_events(lab: Page) -> None:
    fractions = lab.evaluate(
        """async (params) => {
            const { McPool } = await import("/workers/pool.js");
            const pool = new McPool(2);
            const seen = [];
            await pool.run(params, { onProgress: (p) => seen.push([p.done, p.total, p.fraction]) });
            pool.terminate();
            return seen;
        }""",
        HESTON,
    )
    assert len(fractions) > 1
    done = [d for d, _, _ in fractions]
    assert done == sorted(done) and len(set(done)) == len(done)
    total = fractions[0][1]
    assert fractions[-1] == [total, total, 1]


def test_cancel_then_reuse(lab: Page) -> None:
    lab.set_default_timeout(POOL_TIMEOUT_MS)
    out = lab.evaluate(
        """async ([big, small]) => {
            const { McPool } = await import("/workers/pool.js");
            const pool = new McPool(2);
            const ctl = new AbortController();
            let progress = 0;
            const outcome = await pool.run(big, {
                signal: ctl.signal,
                onProgress: (p) => { progress = p.fraction; ctl.abort(); },
            }).then(() => "finished", (e) => e.name);
            const afterCancel = await pool.run(small);
            const fresh = await new McPool(2).run(small);
            pool.terminate();
            return { outcome, progress, same: afterCancel.price === fresh.price
                     && afterCancel.std_error === fresh.std_error };
        }""",
        [{**HESTON, "paths": 50_000_000, "steps": 100}, HESTON],
    )
    assert out["outcome"] == "AbortError"
    assert 0 < out["progress"] < 1
    assert out["same"]


def test_already_aborted_signal(lab: Page) -> None:
    name = lab.evaluate(
        """async (params) => {
            const { McPool } = await import("/workers/pool.js");
            const run = new McPool(2).run(params, { signal: AbortSignal.abort() });
            return run.then(() => "ran", (e) => e.name);
        }""",
        GBM,
    )
    assert name == "AbortError"


def test_engine_errors_name_the_parameter(lab: Page) -> None:
    messages = lab.evaluate(
        """async (cases) => {
            const { McPool } = await import("/workers/pool.js");
            const pool = new McPool(2);
            const out = [];
            for (const params of cases) {
                out.push(await pool.run(params).then(() => "ran", (e) => e.message));
            }
            pool.terminate();
            return out;
        }""",
        [{**HESTON, "rho": 1.5}, {**GBM, "paths": 0}, {**ROUGH, "hurst": 0.6}],
    )
    assert [m.split()[0] for m in messages] == ["rho", "paths", "hurst"]


def test_sample_paths(lab: Page) -> None:
    r = lab.evaluate(
        """async (params) => {
            const { McPool } = await import("/workers/pool.js");
            const pool = new McPool(2);
            const r = await pool.samplePaths(params, 5, 1000);
            pool.terminate();
            return { time: Array.from(r.times), spot: Array.from(r.spot) };
        }""",
        HESTON,
    )
    m = HESTON["steps"] + 1
    assert len(r["time"]) == m and len(r["spot"]) == 5 * m  # points capped at steps + 1
    assert r["time"][0] == 0 and r["time"][-1] == pytest.approx(HESTON["expiry"])
    assert all(r["spot"][k * m] == HESTON["spot"] for k in range(5))


def test_single_worker_without_cross_origin_isolation(
    page: Page, base_url: str, page_errors: list[str]
) -> None:
    # The page cannot be served without isolation here (server.py always sends COOP/COEP), so the
    # flag the pool reads is overridden before any script runs.
    page.add_init_script(
        "Object.defineProperty(window, 'crossOriginIsolated', { get: () => false })"
    )
    page.goto(f"{base_url}/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    out = page.evaluate(
        """async (params) => {
            const { McPool } = await import("/workers/pool.js");
            const pool = new McPool(4);
            const { blockSums, blockLen, blockSamples, ...r } = await pool.run(params);
            const single = pricingLab.monte_carlo(params);
            return { size: pool.size, isolated: pool.isolated, result: r, single };
        }""",
        GBM,
    )
    assert out["isolated"] is False and out["size"] == 1
    assert out["result"]["workers"] == 1
    assert out["result"]["price"] == out["single"]["price"]
    assert "not cross-origin isolated" in page.locator("#pool-info").inner_text()


BATCH = """async ([fn, rows, extra]) => {
    const pool = window.pricingLabPool;
    let seed = 7;
    const u = (lo, hi) => {
        seed = (seed * 16807) % 2147483647;
        return lo + ((hi - lo) * seed) / 2147483647;
    };
    const col = (lo, hi) => Float64Array.from({ length: rows }, () => u(lo, hi));
    const kind = Array.from({ length: rows }, () => (u(0, 1) < 0.5 ? "call" : "put"));
    const spot = col(50, 150);
    const strike = col(50, 150);
    const expiry = col(0.05, 3);
    const vol = col(0.05, 0.8);
    const args = fn === "implied_vol_many"
        ? [kind, pricingLab.black_scholes_many(kind, spot, strike, expiry, 0.03, 0.01, vol).price,
           spot, strike, expiry, 0.03, 0.01]
        : [kind, spot, strike, expiry, 0.03, 0.01, vol, ...extra];
    const split = await pool.batch(fn, args);
    const whole = pricingLab[fn](...args);
    const same = Object.keys(whole).every((k) => split[k].length === rows
        && split[k].every((x, i) => Object.is(x, whole[k][i])));
    const keys = Object.keys(split).sort();
    return { same, keys, size: pool.size, isolated: crossOriginIsolated };
}"""


@pytest.mark.parametrize(
    ("fn", "rows", "extra"),
    [
        ("black_scholes_many", 120_001, []),
        ("greeks_many", 45_001, []),
        ("implied_vol_many", 45_001, []),
        ("american_many", 61, ["fast"]),
    ],
)
def test_batch_split_across_the_pool_is_the_engine_bit_for_bit(
    lab: Page, fn: str, rows: int, extra: list[Any]
) -> None:
    out = lab.evaluate(BATCH, [fn, rows, extra])
    assert out["isolated"] and out["size"] >= 2, out  # the split really happened
    assert out["same"], out
    assert "status" in out["keys"]


def test_batch_with_columns_of_different_lengths_is_the_engines_error(lab: Page) -> None:
    message = lab.evaluate(
        """async () => {
            try {
                await window.pricingLabPool.batch("black_scholes_many",
                    ["call", new Float64Array(200000).fill(100), new Float64Array(3).fill(100),
                     1, 0.03, 0.01, 0.2]);
            } catch (e) { return e.message; }
        }"""
    )
    direct = lab.evaluate(
        """() => { try { pricingLab.black_scholes_many("call", new Float64Array(200000).fill(100),
                    new Float64Array(3).fill(100), 1, 0.03, 0.01, 0.2); }
                  catch (e) { return e.message; } }"""
    )
    assert message == direct and "same length" in message
    message = lab.evaluate(
        "async () => { try { await window.pricingLabPool.batch('monte_carlo', []); }"
        " catch (e) { return e.message; } }"
    )
    assert message.startswith("batch: fn must be one of black_scholes_many")
