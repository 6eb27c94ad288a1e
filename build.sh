#!/usr/bin/env bash
# Pricing Lab: set-up, build, serve, test, bench. Idempotent and safe on a fresh machine.
#
#   ./build.sh                 install what is missing, then build (native engine, wasm package,
#                              vendored files, Pyodide wheel)
#   ./build.sh serve [--port N] [--host H]   build, then serve web/ on http://127.0.0.1:8000
#   ./build.sh test [pytest args]            build, then cargo test (native) and pytest (unit, server, browser)
#   ./build.sh bench [--quick]               build, then the side-by-side benchmark suite
#
# Each step records a stamp (a hash of its inputs) under .build/ and is skipped when nothing changed,
# so a second run with nothing changed takes seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
STAMPS="$ROOT/.build"
mkdir -p "$STAMPS"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

log() { printf '\033[1m[build]\033[0m %s\n' "$*" >&2; }
die() { printf '[build] error: %s\n' "$*" >&2; exit 1; }

# A hash of the given files/dirs' contents (sorted, stable), used as a step's stamp.
hash_inputs() {
    local f
    for f in "$@"; do
        if [ -d "$f" ]; then find "$f" -type f -not -path '*/target/*' -not -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum
        elif [ -e "$f" ]; then sha256sum "$f"
        else echo "missing $f"; fi
    done | sha256sum | cut -d' ' -f1
}
stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp_set() { echo "$2" > "$STAMPS/$1"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------------------------------------
# 1. System packages (Debian): chromium for the browser tests; the rustc-web route to wasm32
#    when rustup has no wasm32-unknown-unknown std (see docs/TOOLCHAIN notes in README).
rustup_has_wasm32() {
    local libdir
    libdir="$(rustc --print target-libdir --target wasm32-unknown-unknown 2>/dev/null)" || return 1
    [ -d "$libdir" ] && ls "$libdir"/libstd-*.rlib >/dev/null 2>&1
}

# Which toolchain builds the wasm: rustup's wasm32 target where installed, else Debian's
# rustc-web. PRICINGLAB_WASM_ROUTE=debian|rustup forces one (to check both routes on one machine).
wasm_route() {
    case "${PRICINGLAB_WASM_ROUTE:-auto}" in
        rustup|debian) echo "$PRICINGLAB_WASM_ROUTE" ;;
        auto) if rustup_has_wasm32; then echo rustup; else echo debian; fi ;;
        *) die "PRICINGLAB_WASM_ROUTE must be rustup, debian or auto" ;;
    esac
}

apt_packages() {
    local want=(chromium)
    if [ "$(wasm_route)" = debian ]; then want+=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22); fi
    local missing=() p
    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "apt: installing ${missing[*]}"
        as_root apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

# ---------------------------------------------------------------------------------------------
# 2. Cargo tools: wasm-bindgen-cli at exactly Cargo.lock's version, and wasm-pack.
locked_version() { # crate name -> version in wasm_core/Cargo.lock
    awk -v n="$1" '$0=="name = \""n"\"" {getline; gsub(/version = |"/, ""); print; exit}' wasm_core/Cargo.lock
}

cargo_tools() {
    local want have
    want="$(locked_version wasm-bindgen)"
    [ -n "$want" ] || die "wasm-bindgen not found in wasm_core/Cargo.lock"
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" || true
    if [ "$have" != "$want" ]; then
        log "cargo: installing wasm-bindgen-cli $want (several minutes the first time)"
        # --locked first; the registry mirror here lacks one of its locked dependencies
        # (webpki-roots 1.0.11), so fall back to a fresh resolution of the same version.
        cargo install wasm-bindgen-cli --version "$want" --locked --force \
            || cargo install wasm-bindgen-cli --version "$want" --force
    fi
    if ! command -v wasm-pack >/dev/null; then
        log "cargo: installing wasm-pack (several minutes the first time)"
        cargo install wasm-pack --locked || cargo install wasm-pack
    fi
}

# ---------------------------------------------------------------------------------------------
# 3. npm packages (Pyodide runtime and what the pages load), from the committed lock file.
npm_packages() {
    local h
    h="$(hash_inputs package.json package-lock.json)"
    if stamp_ok npm "$h" && [ -d node_modules ]; then return; fi
    log "npm: installing from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
    stamp_set npm "$h"
}

# ---------------------------------------------------------------------------------------------
# 4. Python: .venv with the project (editable; pip builds it with maturin, which compiles the
#    native engine) and its test extras.
python_env() {
    local h
    h="$(hash_inputs pyproject.toml)"
    if stamp_ok venv "$h" && [ -x "$PY" ]; then return; fi
    log "python: creating .venv with pricinglab[test] (maturin builds the native engine)"
    [ -x "$PY" ] || python3 -m venv "$VENV"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -e ".[test]"
    stamp_set venv "$h"
}

# ---------------------------------------------------------------------------------------------
# 4b. The native engine, pricinglab._native (wasm_core's `python` feature, PyO3, abi3), rebuilt
#     into the editable install whenever the crate changes. rustup's host toolchain builds it.
build_native() {
    local h
    h="$(hash_inputs wasm_core/src wasm_core/Cargo.toml wasm_core/Cargo.lock pyproject.toml)"
    if stamp_ok native "$h" && ls pricinglab/_native*.so >/dev/null 2>&1; then return; fi
    log "native: maturin develop --profile python (pricinglab._native)"
    (export VIRTUAL_ENV="$VENV"; "$VENV/bin/maturin" develop --profile python --strip --quiet)
    stamp_set native "$h"
}

# ---------------------------------------------------------------------------------------------
# 5. The wasm package: wasm_core -> web/pkg (wasm-pack --target web), then npm's wasm-opt.
#    simd128: fixed-width SIMD (Chromium >= 91, node >= 16.4), which the Monte Carlo kernel's
#    lane loops compile to (two f64 per instruction, as SSE2 natively).
WASM_RUSTFLAGS="-C target-feature=+simd128"
build_wasm() {
    local h route
    route="$(wasm_route)"
    h="$(hash_inputs wasm_core/src wasm_core/Cargo.toml wasm_core/Cargo.lock package-lock.json;
         echo "$WASM_RUSTFLAGS $route")"
    if stamp_ok wasm "$h" && [ -f web/pkg/wasm_core_bg.wasm ]; then return; fi
    log "wasm: building wasm_core -> web/pkg ($route toolchain)"
    if [ "$route" = rustup ]; then
        RUSTFLAGS="$WASM_RUSTFLAGS" \
            wasm-pack build wasm_core --release --target web --out-dir ../web/pkg --no-pack
    else
        # Debian's rustc-web builds std for wasm32 on the fly; rustup's cargo/rustc must not be
        # picked up, so /usr/bin goes first and wasm-pack is called by its full path.
        PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS="$WASM_RUSTFLAGS" \
            "$(command -v wasm-pack)" build wasm_core --release --target web --out-dir ../web/pkg \
            --no-pack --mode force -- -Zbuild-std=std,panic_abort
    fi
    local opt=node_modules/.bin/wasm-opt
    if [ -x "$opt" ]; then
        # Features come from the module's target_features section (no --all-features: node 20
        # and Chromium reject what that would enable).
        log "wasm: wasm-opt -O3"
        "$opt" -O3 web/pkg/wasm_core_bg.wasm -o web/pkg/wasm_core_bg.wasm.opt
        mv web/pkg/wasm_core_bg.wasm.opt web/pkg/wasm_core_bg.wasm
    fi
    rm -f web/pkg/.gitignore
    stamp_set wasm "$h"
}

# ---------------------------------------------------------------------------------------------
# 6. Vendored runtime files (from node_modules) and the pricinglab wheel, served from web/.
vendor_files() {
    local h
    h="$(hash_inputs package-lock.json scripts/vendor.mjs)"
    if ! stamp_ok vendor "$h" || [ ! -d web/vendor ]; then
        log "vendor: copying runtime files into web/vendor"
        node scripts/vendor.mjs
        stamp_set vendor "$h"
    fi
    h="$(hash_inputs pyproject.toml scripts/pyodide_wheel.py \
          $(find pricinglab -maxdepth 1 -type f \( -name '*.py' -o -name '*.pyi' -o -name py.typed \)))"
    if ! stamp_ok wheel "$h" || [ ! -f web/wheels/manifest.json ]; then
        log "wheel: building pricinglab (py3-none-any, for Pyodide) into web/wheels"
        rm -rf web/wheels && mkdir -p web/wheels
        "$PY" scripts/pyodide_wheel.py web/wheels >/dev/null
        "$PY" - <<'EOF'
import json, pathlib
wheels = sorted(p.name for p in pathlib.Path("web/wheels").glob("pricinglab-*-py3-none-any.whl"))
assert wheels, "no py3-none-any wheel was built"
pathlib.Path("web/wheels/manifest.json").write_text(json.dumps({"pricinglab": wheels[-1]}) + "\n")
EOF
        stamp_set wheel "$h"
    fi
}

# ---------------------------------------------------------------------------------------------
# 7. The notebook's third-party modules (CodeMirror 6, marked, DOMPurify), bundled by esbuild.
bundle_notebook() {
    local h
    h="$(hash_inputs package-lock.json scripts/bundle.mjs scripts/notebook-deps.mjs)"
    if stamp_ok bundle "$h" && [ -f web/notebook/dist/deps.js ]; then return; fi
    log "bundle: notebook editor and renderers -> web/notebook/dist/deps.js"
    node scripts/bundle.mjs
    stamp_set bundle "$h"
}

# 8. The API reference as a page both pages link (docs/api.md rendered by marked).
build_docs() {
    local h
    h="$(hash_inputs docs/api.md scripts/docs.mjs package-lock.json)"
    if stamp_ok docs "$h" && [ -f web/docs/api.html ]; then return; fi
    log "docs: docs/api.md -> web/docs/api.html"
    node scripts/docs.mjs
    stamp_set docs "$h"
}

build_all() {
    apt_packages
    cargo_tools
    npm_packages
    python_env
    build_native
    build_wasm
    vendor_files
    bundle_notebook
    build_docs
}

cmd="${1:-build}"
[ $# -gt 0 ] && shift
case "$cmd" in
    build) build_all ;;
    serve)
        build_all
        exec "$PY" server.py "$@"
        ;;
    test)
        build_all
        log "test: cargo fmt --check, clippy -D warnings, cargo test (native)"
        (cd wasm_core && cargo fmt --check && cargo clippy --all-targets --quiet -- -D warnings \
            && PYO3_PYTHON="$PY" cargo clippy --features python --quiet -- -D warnings \
            && cargo test --quiet)
        log "test: ruff, mypy --strict"
        "$PY" -m ruff check --quiet . && "$PY" -m ruff format --check --quiet . && "$PY" -m mypy
        log "test: pytest"
        exec "$PY" -m pytest "$@"
        ;;
    bench)
        build_all
        "$PY" benchmarks/run.py "$@"
        "$PY" -m benchmarks.calibration
        "$PY" -m benchmarks.rough_calibration
        "$PY" -m benchmarks.mc_payoffs
        exec "$PY" -m benchmarks.american
        ;;
    python) python_env ;;   # just the .venv (handy when working on the Python side)
    wasm) build_wasm ;;
    native) python_env; build_native ;;
    *) die "unknown command '$cmd' (use: build, serve, test, bench)" ;;
esac
