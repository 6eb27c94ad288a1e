"""Option chains: quotes read from CSV or JSON, checked row by row, with the forward and discount
factor of each expiry inferred from put-call parity and implied vols for bid, ask and mid.

    chain = pl.read_chain("spx.csv", spot=4127.83)       # or a CSV string, or JSON records
    chain.rows[0]   # {'expiry': 0.25, 'strike': 4000.0, 'kind': 'call', 'bid': ..., 'flags': []}
    chain.expiries  # {0.25: {'forward': ..., 'discount': ..., 'pairs': 14}, ...}

Columns (by header name, any order, case-insensitive): ``expiry`` (years) or ``days`` or a date
column ``expiration`` with ``as_of``; ``strike``; ``kind`` (``type``, ``cp``, ``right``:
call/put/C/P); ``bid`` and ``ask``, or ``mid``/``price``/``last``; optional ``volume``,
``open_interest``. Rows that cannot be used are kept with a ``flags`` list saying why (crossed
bid/ask, no price, below intrinsic, above the upper bound, duplicate), never dropped.

Forward and discount per expiry: :func:`pricinglab.parity_forward` (put-call parity
``C - P = D (F - K)``, a least-median-of-squares line refitted without the outliers) over the
strikes quoted on both sides. With ``rate`` given, ``D = e^{-rate T}`` and only ``F``
is fitted (and with ``dividend`` too, neither). The implied vols are the engine's
(:func:`pricinglab.implied_vol_many`), one batch call for bid, ask and mid.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Chain", "read_chain"]

_NAMES = {
    "expiry": "expiry", "t": "expiry", "maturity": "expiry", "years": "expiry",
    "days": "days", "dte": "days",
    "expiration": "date", "expiration_date": "date", "expiry_date": "date", "date": "date",
    "strike": "strike", "k": "strike",
    "kind": "kind", "type": "kind", "cp": "kind", "right": "kind", "option_type": "kind",
    "bid": "bid", "ask": "ask",
    "mid": "mid", "price": "mid", "last": "mid", "mark": "mid",
    "volume": "volume", "open_interest": "open_interest", "oi": "open_interest",
}  # fmt: skip
_KINDS = {"call": "call", "c": "call", "put": "put", "p": "put"}
_DAYS_PER_YEAR = 365.0


@dataclass
class Chain:
    """A chain read by :func:`read_chain`."""

    spot: float | None
    rows: list[dict[str, Any]]
    # expiry -> {"forward", "discount", "pairs", "rate", "dividend"} (missing where not inferable)
    expiries: dict[float, dict[str, float]] = field(default_factory=dict)

    def usable(self) -> list[dict[str, Any]]:
        """The rows without flags."""
        return [r for r in self.rows if not r["flags"]]


def _records(source: Any) -> list[dict[str, Any]]:
    is_path = isinstance(source, str) and "\n" not in source
    if isinstance(source, Path) or (is_path and Path(source).suffix.lower() in (".csv", ".json")):
        text = Path(source).read_text()
    elif isinstance(source, str):
        text = source
    elif isinstance(source, Iterable):
        return [dict(r) for r in source]
    else:
        raise TypeError(
            f"source must be a path, CSV/JSON text or records (got {type(source).__name__})"
        )
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        data = json.loads(text)
        return [dict(r) for r in (data["quotes"] if isinstance(data, Mapping) else data)]
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [dict(r) for r in csv.DictReader(io.StringIO(text), dialect=dialect)]


def _number(text: Any, decimal_comma: bool) -> float | None:
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if s == "":
        return None
    # A decimal comma ("13,03", the file has no points) or thousands separators ("1,000").
    s = s.replace(".", "").replace(",", ".") if decimal_comma else s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        return math.nan


def read_chain(
    source: Any,
    *,
    spot: float | None = None,
    as_of: dt.date | str | None = None,
    rate: float | None = None,
    dividend: float | None = None,
) -> Chain:
    """Reads and checks an option chain (module docs): a path, CSV or JSON text, or records."""
    import pricinglab as pl

    records = _records(source)
    as_of_date = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    rows: list[dict[str, Any]] = []
    for i, raw in enumerate(records):
        fields = {_NAMES.get(str(k).strip().lower().replace(" ", "_")): v for k, v in raw.items()}
        fields.pop(None, None)
        comma = any(isinstance(v, str) and "," in v and "." not in v for v in fields.values())
        row: dict[str, Any] = {"row": i + 1, "flags": []}
        flags: list[str] = row["flags"]
        kind = _KINDS.get(str(fields.get("kind", "")).strip().lower())
        if kind is None:
            flags.append(f"kind {fields.get('kind')!r} is not call, put, C or P")
        row["kind"] = kind
        for name in ("strike", "bid", "ask", "mid", "volume", "open_interest"):
            value = _number(fields.get(name), comma)
            if value is not None and math.isnan(value):
                flags.append(f"{name} {fields.get(name)!r} is not a number")
                value = None
            row[name] = value
        expiry = _number(fields.get("expiry"), comma)
        if expiry is None and fields.get("days") not in (None, ""):
            days = _number(fields.get("days"), comma)
            expiry = None if days is None else days / _DAYS_PER_YEAR
        if expiry is None and fields.get("date") not in (None, ""):
            if as_of_date is None:
                flags.append("an expiration date needs as_of (the valuation date)")
            else:
                try:
                    date = dt.date.fromisoformat(str(fields["date"]).strip()[:10])
                    expiry = (date - as_of_date).days / _DAYS_PER_YEAR
                except ValueError:
                    flags.append(f"expiration {fields['date']!r} is not a date (YYYY-MM-DD)")
        row["expiry"] = expiry
        if expiry is None or not expiry > 0:
            flags.append("no expiry in the future" if expiry is not None else "no expiry")
        if row["strike"] is None or not row["strike"] > 0:
            flags.append("strike must be > 0")
        bid, ask, mid = row["bid"], row["ask"], row["mid"]
        if bid is not None and ask is not None:
            if bid > ask:
                flags.append(f"crossed: bid {bid} > ask {ask}")
            elif mid is None:
                row["mid"] = mid = 0.5 * (bid + ask)
        if mid is None:
            flags.append("no price (mid, or bid and ask)")
        elif not mid > 0:
            flags.append("price must be > 0")
        rows.append(row)
    _flag_duplicates(rows)
    chain = Chain(spot=spot, rows=rows)
    _infer_forwards(chain, rate, dividend, pl)
    _implied_vols(chain, pl)
    return chain


def _flag_duplicates(rows: list[dict[str, Any]]) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    for r in rows:
        key = (r["kind"], r["strike"], r["expiry"])
        if key in seen:
            r["flags"].append(f"duplicate of row {seen[key]}")
        else:
            seen[key] = r["row"]


def _infer_forwards(chain: Chain, rate: float | None, dividend: float | None, pl: Any) -> None:
    by_expiry: dict[float, dict[float, dict[str, float]]] = {}
    for r in chain.rows:
        if r["flags"] or r["expiry"] is None:
            continue
        by_expiry.setdefault(r["expiry"], {}).setdefault(r["strike"], {})[r["kind"]] = r["mid"]
    for t, strikes in sorted(by_expiry.items()):
        info: dict[str, Any] = {}
        if rate is not None:
            info["discount"] = math.exp(-rate * t)
            info["rate"] = rate
        if rate is not None and dividend is not None and chain.spot is not None:
            info["forward"] = chain.spot * math.exp((rate - dividend) * t)
            info["dividend"] = dividend
            chain.expiries[t] = info
            continue
        ks = sorted(strikes)
        try:
            fit = pl.parity_forward(
                ks, [strikes[k].get("call", math.nan) for k in ks],
                [strikes[k].get("put", math.nan) for k in ks], info.get("discount"),
            )  # fmt: skip
        except pl.PricingError as e:
            info["error"] = str(e)
            chain.expiries[t] = info
            continue
        info.update(discount=fit["discount"], forward=fit["forward"], pairs=fit["used_pairs"])
        info["rate"] = -math.log(fit["discount"]) / t
        if chain.spot is not None:
            info["dividend"] = info["rate"] - math.log(info["forward"] / chain.spot) / t
        chain.expiries[t] = info


def _implied_vols(chain: Chain, pl: Any) -> None:
    """bid/ask/mid implied vols in one engine batch, at each expiry's forward and discount."""
    batch: list[tuple[dict[str, Any], str, float]] = []
    for r in chain.rows:
        for side in ("bid", "ask", "mid"):
            r[f"{side}_vol"] = None
        info = chain.expiries.get(r["expiry"], {}) if r["expiry"] else {}
        if r["flags"] or "forward" not in info or "discount" not in info:
            if not r["flags"] and r["expiry"]:
                reason = info.get("error", "not inferred")
                r["flags"].append(f"no forward for this expiry: {reason}")
            continue
        for side in ("bid", "ask", "mid"):
            if r[side] is not None and r[side] > 0:
                batch.append((r, side, r[side]))
    if not batch:
        return
    # With F and D given, price on the forward: spot F with rate = dividend = -ln(D)/T has
    # forward F and discount factor D exactly.
    kinds = [r["kind"] for r, _, _ in batch]
    prices = [p for _, _, p in batch]
    infos = [chain.expiries[r["expiry"]] for r, _, _ in batch]
    spots = [i["forward"] for i in infos]
    strikes = [r["strike"] for r, _, _ in batch]
    expiries = [r["expiry"] for r, _, _ in batch]
    rates = [
        -math.log(i["discount"]) / r["expiry"] for i, (r, _, _) in zip(infos, batch, strict=True)
    ]
    out = pl.implied_vol_many(kinds, prices, spots, strikes, expiries, rates, rates)
    for (r, side, _), vol, status in zip(batch, out["vol"], out["status"], strict=True):
        if status == 0:
            r[f"{side}_vol"] = float(vol)
        elif side == "mid":
            r["flags"].append(pl.status_message(int(status)))
