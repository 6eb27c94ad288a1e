//! Every `#[wasm_bindgen]` export, and nothing else: argument checks, conversion to and from
//! JavaScript values, errors -> thrown JS `Error`s. No maths here.
//!
//! Arguments arrive as `JsValue` rather than `f64` on purpose: wasm-bindgen would coerce `"100"`,
//! `null` or `true` to a number silently, and a wrong type must be an error naming the parameter.
//! The `///` comments below become the JSDoc of `web/pkg/wasm_core.d.ts`.

use js_sys::{Array, Float64Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::batch::{self, BsColumns, Column, IvColumns, KindColumn};
use crate::errors::{self, PricingError};
use crate::greeks::{self, Greeks};
use crate::inputs::{Inputs, OptionKind};
use crate::{black_scholes, implied_vol};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** "call" or "put". */
export type OptionKind = "call" | "put";
/** A number, or one value per row (all arrays of a call the same length). */
export type NumberColumn = number | Float64Array | number[];
/** All Greeks are partial derivatives of the price; see greeks(). */
export interface Greeks {
  price: number; delta: number; gamma: number; speed: number; vega: number; volga: number;
  vanna: number; zomma: number; theta: number; charm: number; color: number; veta: number;
  rho: number; epsilon: number;
}
/** Per-row results of greeks_many: one Float64Array per Greek, plus status (0 = ok). */
export type GreeksColumns = { [K in keyof Greeks]: Float64Array } & { status: Uint8Array };
"#;

// ---------------------------------------------------------------------------------------------
// Argument conversion

/// A readable name for the type of a JS value, for error messages.
fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if Array::is_array(v) {
        "array".into()
    } else {
        v.js_typeof()
            .as_string()
            .unwrap_or_else(|| "unknown".into())
    }
}

fn js_error(e: PricingError) -> JsError {
    JsError::new(&e.to_string())
}

fn wrong_type(param: &str, expected: &str, v: &JsValue) -> JsError {
    JsError::new(&format!(
        "{param} must be {expected} (got {})",
        type_name(v)
    ))
}

fn number(param: &'static str, v: &JsValue) -> Result<f64, JsError> {
    v.as_f64().ok_or_else(|| wrong_type(param, "a number", v))
}

fn kind(v: &JsValue) -> Result<OptionKind, JsError> {
    let s = v
        .as_string()
        .ok_or_else(|| wrong_type("kind", "\"call\" or \"put\"", v))?;
    OptionKind::parse(&s).map_err(js_error)
}

/// An owned numeric batch column: a scalar to broadcast, or one value per row.
enum ColumnBuf {
    Scalar(f64),
    Values(Vec<f64>),
}

impl ColumnBuf {
    fn view(&self) -> Column<'_> {
        match self {
            ColumnBuf::Scalar(x) => Column::Scalar(*x),
            ColumnBuf::Values(v) => Column::Values(v),
        }
    }
}

const COLUMN_TYPES: &str = "a number, a Float64Array or an array of numbers";

fn column(param: &'static str, v: &JsValue) -> Result<ColumnBuf, JsError> {
    if let Some(x) = v.as_f64() {
        return Ok(ColumnBuf::Scalar(x));
    }
    if let Some(a) = v.dyn_ref::<Float64Array>() {
        return Ok(ColumnBuf::Values(a.to_vec()));
    }
    if let Some(a) = v.dyn_ref::<Array>() {
        let mut values = Vec::with_capacity(a.length() as usize);
        for (i, item) in a.iter().enumerate() {
            let x = item
                .as_f64()
                .ok_or_else(|| wrong_type(&format!("{param}[{i}]"), "a number", &item))?;
            values.push(x);
        }
        return Ok(ColumnBuf::Values(values));
    }
    Err(wrong_type(param, COLUMN_TYPES, v))
}

fn kind_column(v: &JsValue) -> Result<KindColumn, JsError> {
    if let Some(a) = v.dyn_ref::<Array>() {
        let rows = a
            .iter()
            .map(|item| {
                item.as_string()
                    .ok_or(PricingError::UnknownKind)
                    .and_then(|s| OptionKind::parse(&s))
            })
            .collect();
        return Ok(KindColumn::PerRow(rows));
    }
    kind(v).map(KindColumn::One)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Reflect::set fails only on frozen objects or proxies; `obj` is a fresh plain object.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn greeks_object(g: &Greeks) -> Object {
    let obj = Object::new();
    for (name, value) in Greeks::NAMES.iter().zip(g.to_array()) {
        set(&obj, name, &JsValue::from_f64(value));
    }
    obj
}

// ---------------------------------------------------------------------------------------------
// Scalar functions

/// Black-Scholes-Merton price of a European option.
///
/// `kind` "call" or "put"; `spot`, `strike` > 0; `expiry` in years >= 0; `rate`, `dividend`
/// continuously compounded annual rates (negative allowed); `vol` annualised >= 0.
/// Limits: `expiry = 0` gives the intrinsic value; `vol = 0` the discounted intrinsic value of the
/// forward. Throws an `Error` naming the parameter and the rule on invalid input.
#[wasm_bindgen]
pub fn black_scholes(
    #[wasm_bindgen(unchecked_param_type = "OptionKind")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] vol: JsValue,
) -> Result<f64, JsError> {
    let i = inputs(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    Ok(black_scholes::price(&i))
}

fn inputs(
    kind_v: &JsValue,
    spot: &JsValue,
    strike: &JsValue,
    expiry: &JsValue,
    rate: &JsValue,
    dividend: &JsValue,
    vol: &JsValue,
) -> Result<Inputs, JsError> {
    Inputs::new(
        kind(kind_v)?,
        number("spot", spot)?,
        number("strike", strike)?,
        number("expiry", expiry)?,
        number("rate", rate)?,
        number("dividend", dividend)?,
        number("vol", vol)?,
    )
    .map_err(js_error)
}

/// The price and all Greeks, each a partial derivative of the price:
/// `delta` dV/dS, `gamma` d²V/dS², `speed` d³V/dS³, `vega` dV/dvol (per unit of vol, not per 1%),
/// `volga` d²V/dvol², `vanna` d²V/dS dvol, `zomma` d³V/dS² dvol, `rho` dV/drate (per unit),
/// `epsilon` dV/ddividend; `theta`, `charm`, `color`, `veta` are derivatives of price, delta, gamma,
/// vega with respect to calendar time, per year (= minus the derivative with respect to `expiry`),
/// so a long call's theta is usually negative; per day, divide by 365.
/// At `expiry = 0` or `vol = 0` the Greeks are the limits of the smooth formulas; where a limit is
/// infinite (gamma at the money at expiry) 0 is reported. Same arguments and errors as black_scholes.
#[wasm_bindgen(unchecked_return_type = "Greeks")]
pub fn greeks(
    #[wasm_bindgen(unchecked_param_type = "OptionKind")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] vol: JsValue,
) -> Result<JsValue, JsError> {
    let i = inputs(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    Ok(greeks_object(&greeks::greeks(&i)).into())
}

/// The Black-Scholes-Merton implied volatility of `price`, to machine precision
/// (Jäckel, "Let's Be Rational", 2015).
///
/// With D = e^{-rate·expiry} and F = spot·e^{(rate-dividend)·expiry}: a price below the lower bound
/// D·max(±(F-K), 0) throws an Error naming that bound; a price exactly at it returns 0; a price at or
/// above the upper bound (D·F for a call, D·K for a put) throws.
#[wasm_bindgen]
pub fn implied_vol(
    #[wasm_bindgen(unchecked_param_type = "OptionKind")] kind_v: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] price: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] dividend: JsValue,
) -> Result<f64, JsError> {
    implied_vol::implied_vol(
        kind(&kind_v)?,
        number("price", &price)?,
        number("spot", &spot)?,
        number("strike", &strike)?,
        number("expiry", &expiry)?,
        number("rate", &rate)?,
        number("dividend", &dividend)?,
    )
    .map_err(js_error)
}

// ---------------------------------------------------------------------------------------------
// Batch functions

struct BsBufs {
    kind: KindColumn,
    cols: [ColumnBuf; 6],
}

impl BsBufs {
    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: &JsValue,
        spot: &JsValue,
        strike: &JsValue,
        expiry: &JsValue,
        rate: &JsValue,
        dividend: &JsValue,
        vol: &JsValue,
    ) -> Result<Self, JsError> {
        Ok(BsBufs {
            kind: kind_column(kind)?,
            cols: [
                column("spot", spot)?,
                column("strike", strike)?,
                column("expiry", expiry)?,
                column("rate", rate)?,
                column("dividend", dividend)?,
                column("vol", vol)?,
            ],
        })
    }

    fn view(&self) -> BsColumns<'_> {
        let [s, k, t, r, q, v] = &self.cols;
        BsColumns {
            kind: &self.kind,
            spot: s.view(),
            strike: k.view(),
            expiry: t.view(),
            rate: r.view(),
            dividend: q.view(),
            vol: v.view(),
        }
    }
}

/// Black-Scholes-Merton prices of many options in one call.
///
/// Arguments as `black_scholes`; each numeric argument is a number (the same for every row) or a
/// Float64Array / array with one value per row, `kind` one kind or an array of kinds. Returns
/// `{price: Float64Array, status: Uint8Array}`: a bad row gets price NaN and a non-zero status,
/// whose meaning `status_message(status)` gives; only mismatched lengths or wrong types throw.
#[wasm_bindgen(unchecked_return_type = "{ price: Float64Array; status: Uint8Array }")]
pub fn black_scholes_many(
    #[wasm_bindgen(unchecked_param_type = "OptionKind | OptionKind[]")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] vol: JsValue,
) -> Result<JsValue, JsError> {
    let bufs = BsBufs::new(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    let (price, status) = batch::black_scholes_many(&bufs.view()).map_err(js_error)?;
    let out = Object::new();
    set(&out, "price", &Float64Array::from(price.as_slice()));
    set(&out, "status", &Uint8Array::from(status.as_slice()));
    Ok(out.into())
}

/// The price and all Greeks of many options in one call (conventions as `greeks`).
///
/// Returns one Float64Array per Greek (`{price, delta, ..., epsilon}`) plus `status: Uint8Array`;
/// batching rules as `black_scholes_many`.
#[wasm_bindgen(unchecked_return_type = "GreeksColumns")]
pub fn greeks_many(
    #[wasm_bindgen(unchecked_param_type = "OptionKind | OptionKind[]")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] vol: JsValue,
) -> Result<JsValue, JsError> {
    let bufs = BsBufs::new(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    let (rows, status) = batch::greeks_many(&bufs.view()).map_err(js_error)?;
    // Transpose rows of Greeks into one column per Greek, in one pass.
    let mut columns = vec![Vec::with_capacity(rows.len()); Greeks::NAMES.len()];
    for g in &rows {
        for (column, value) in columns.iter_mut().zip(g.to_array()) {
            column.push(value);
        }
    }
    let out = Object::new();
    for (name, column) in Greeks::NAMES.iter().zip(&columns) {
        set(&out, name, &Float64Array::from(column.as_slice()));
    }
    set(&out, "status", &Uint8Array::from(status.as_slice()));
    Ok(out.into())
}

/// Implied volatilities of many prices in one call (rules as `implied_vol`, batching as
/// `black_scholes_many`). Returns `{vol: Float64Array, status: Uint8Array}`.
#[wasm_bindgen(unchecked_return_type = "{ vol: Float64Array; status: Uint8Array }")]
pub fn implied_vol_many(
    #[wasm_bindgen(unchecked_param_type = "OptionKind | OptionKind[]")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] price: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] dividend: JsValue,
) -> Result<JsValue, JsError> {
    let kind = kind_column(&kind)?;
    let [p, s, k, t, r, q] = [
        column("price", &price)?,
        column("spot", &spot)?,
        column("strike", &strike)?,
        column("expiry", &expiry)?,
        column("rate", &rate)?,
        column("dividend", &dividend)?,
    ];
    let args = IvColumns {
        kind: &kind,
        price: p.view(),
        spot: s.view(),
        strike: k.view(),
        expiry: t.view(),
        rate: r.view(),
        dividend: q.view(),
    };
    let (vol, status) = batch::implied_vol_many(&args).map_err(js_error)?;
    let out = Object::new();
    set(&out, "vol", &Float64Array::from(vol.as_slice()));
    set(&out, "status", &Uint8Array::from(status.as_slice()));
    Ok(out.into())
}

/// The rule a batch row broke, from its status code (0 = "ok").
#[wasm_bindgen]
pub fn status_message(
    #[wasm_bindgen(unchecked_param_type = "number")] code: JsValue,
) -> Result<String, JsError> {
    let last = errors::STATUS_MESSAGES.len() - 1;
    let rule = || format!("must be an integer status code in 0..={last}");
    let x = number("code", &code)?;
    // An exact small integer only: 2.5 or 300 must not be truncated or wrapped into a valid code.
    let message = (x.fract() == 0.0 && (0.0..=last as f64).contains(&x))
        .then(|| errors::status_message(x as u8))
        .flatten();
    message
        .map(str::to_owned)
        .ok_or_else(|| JsError::new(&format!("code {} (got {x})", rule())))
}

/// The engine's version (the crate version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
