"""The side-by-side benchmark suite: ``./build.sh bench [--quick]``.

Runs every engine on the same work (:mod:`benchmarks.workload`), writes
``benchmarks/results/latest.json`` and ``latest.svg`` (a ``--quick`` run: ``quick.json`` and
``quick.svg``, so the committed full-run results stay put), and prints a table of medians and
ratios with the issue's goals.

    python benchmarks/run.py [--quick] [--engines numpy,rust-native,...] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import chart, report
from benchmarks.harness import ENGINES, FULL, QUICK, run_suite

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (same work)")
    parser.add_argument(
        "--engines",
        help="comma-separated engine names (default: all): "
        + ", ".join(sorted({e.name for e in ENGINES})),
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="default: %(default)s")
    args = parser.parse_args(argv)
    only = set(args.engines.split(",")) if args.engines else None
    unknown = (only or set()) - {e.name for e in ENGINES}
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")

    sizes = QUICK if args.quick else FULL
    mode = "quick" if args.quick else "full"
    machine = report.machine_info()
    workdir = RESULTS / "work.tmp"  # under the served root: the browser fetches the inputs
    started = dt.datetime.now(dt.UTC)
    try:
        results = run_suite(sizes, workdir, only)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    machine["load_average_at_end"] = report.load_average()
    browser = results.pop("browser")
    if browser:
        machine.update(browser)
    out = {
        "generated": started.isoformat(timespec="seconds"),
        "mode": mode,
        "command": "./build.sh bench" + (" --quick" if args.quick else ""),
        "machine": machine,
        "timing": "each engine times only its own computation (inputs already in memory, "
        "module compiled, workers started); seconds = median of the timed repeats, after "
        "one untimed warm-up run (none for the interpreter loops)",
        **results,
    }
    report.add_ratios(out)
    out["goals"] = report.evaluate_goals(out)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "latest" if mode == "full" else "quick"
    (args.out / f"{stem}.json").write_text(json.dumps(out, indent=2) + "\n")
    if out["records"]:
        (args.out / f"{stem}.svg").write_text(chart.svg(out))
    m = out["machine"]
    print(
        f"{m['cpu']}, {m['logical_cpus']} logical CPUs, {m['os']}; load average "
        f"{m['load_average_at_start']} at start, {m['load_average_at_end']} at end"
    )
    print(report.table(out))
    print(f"\nwrote {args.out / (stem + '.json')} and {stem}.svg")
    failed = [s for s in out["skipped"] if s["reason"].startswith("failed")]
    return 0 if all(r.get("agrees") is not False for r in out["records"]) and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
