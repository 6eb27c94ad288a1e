// Deterministic garbage through every wasm export (tests/browser/test_fuzz.py evaluates this
// function in the lab page, where window.pricingLab holds the exports).
(rounds) => {
  const w = window.pricingLab;
  let state = 0x9e3779b9;
  const rand = () => { state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
                       return (state >>> 0) / 4294967296; };
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const numbers = [0, -0, 1, -1, 0.2, 100, 1e-320, 5e-324, 1e308, -1e308, Infinity, -Infinity, NaN,
                   2 ** 53, 1e6, 0.5, 3.7, -1e-12];
  const junk = () => pick([
    pick(numbers), pick(numbers), pick(numbers), "100", "call", "put", "", "Call", null, undefined,
    true, false, {}, [], [1, 2], [NaN], new Float64Array([1, NaN, -1]), new Float64Array(0),
    new Int32Array(3), Symbol("s"), 10n, () => 1, { valueOf: () => 5 }, "1e3",
  ]);
  const mcParams = () => {
    const p = {};
    for (const k of ["model", "kind", "spot", "strike", "expiry", "rate", "dividend", "vol", "v0",
                     "kappa", "theta", "xi", "rho", "hurst", "paths", "steps", "seed", "antithetic",
                     "greeks", "bogus"]) {
      if (rand() < 0.7) p[k] = k === "model" ? pick(["gbm", "heston", "rough_heston", "x", 1])
        : k === "paths" ? pick([1, 2, 64, 0, -1, 1.5, 1e9, "10"]) : k === "steps" ? pick([1, 3, 0, 1e6])
        : k === "kind" ? pick(["call", "put", "c"]) : junk();
    }
    return p;
  };
  const calls = {
    black_scholes: () => w.black_scholes(junk(), junk(), junk(), junk(), junk(), junk(), junk()),
    greeks: () => w.greeks(junk(), junk(), junk(), junk(), junk(), junk(), junk()),
    implied_vol: () => w.implied_vol(junk(), junk(), junk(), junk(), junk(), junk(), junk()),
    black_scholes_many: () => w.black_scholes_many(junk(), junk(), junk(), junk(), junk(), junk(), junk()),
    greeks_many: () => w.greeks_many(junk(), junk(), junk(), junk(), junk(), junk(), junk()),
    implied_vol_many: () => w.implied_vol_many(junk(), junk(), junk(), junk(), junk(), junk(), junk()),
    status_message: () => w.status_message(junk()),
    monte_carlo: () => w.monte_carlo(rand() < 0.5 ? mcParams() : junk()),
    monte_carlo_plan: () => w.monte_carlo_plan(mcParams()),
    monte_carlo_blocks: () => w.monte_carlo_blocks(mcParams(), junk(), junk()),
    monte_carlo_finish: () => w.monte_carlo_finish(mcParams(), new Float64Array([pick(numbers), 1, 2])),
    monte_carlo_paths: () => w.monte_carlo_paths(mcParams(), junk(), junk()),
  };
  const out = { ok: 0, errors: 0, badErrors: [], firstWords: Object.create(null) };
  for (let i = 0; i < rounds; i++) {
    for (const [name, call] of Object.entries(calls)) {
      try {
        call();
        out.ok++;
      } catch (e) {
        out.errors++;
        // An unknown field is named as given ("valueOf is not a monte_carlo parameter ...").
        const unknown = e instanceof Error && / is not a monte_carlo parameter /.test(e.message);
        const word = e instanceof Error ? (unknown ? "<unknown field>" : e.message.split(/[\s\[]/)[0]) : null;
        if (!(e instanceof Error) || !e.message || /unreachable|panicked|RuntimeError/.test(e.message)) {
          out.badErrors.push(`${name}: ${e}`);
        }
        out.firstWords[word] = (out.firstWords[word] || 0) + 1;
      }
    }
  }
  return out;
}
