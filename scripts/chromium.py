"""How the browser tests and the benchmarks launch Chromium: one home for both.

Playwright's own browser download is unreachable on the build machines, so both drive Debian's
Chromium (installed by ``build.sh``) through Playwright's ``executable_path``.
"""

from __future__ import annotations

from typing import Final

CHROMIUM: Final = "/usr/bin/chromium"

# Headless in a container: no sandbox (no user namespaces) and no GPU. Without the
# background-networking flags Chromium keeps trying Google's hosts, which a closed network
# refuses (noise, and a slow start-up); QUIC is off for the same reason.
CHROMIUM_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
