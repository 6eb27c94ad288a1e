//! Every `#[wasm_bindgen]` export, and nothing else: argument checks, conversion to and from
//! JavaScript values, errors -> thrown JS `Error`s. No maths here.
//!
//! Arguments arrive as `JsValue` rather than `f64` on purpose: wasm-bindgen would coerce `"100"`,
//! `null` or `true` to a number silently, and a wrong type must be an error naming the parameter.
//! The `///` comments below become the JSDoc of `web/pkg/wasm_core.d.ts`.

use js_sys::{Array, ArrayBuffer, Float64Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::american::{self, Accuracy, AmericanGreeks};
use crate::args::{self, Record, Value};
use crate::batch::{self, BsColumns, Column, IvColumns, KindColumn};
use crate::errors::{self, PricingError};
use crate::greeks::{self, Greeks};
use crate::inputs::{Inputs, OptionKind};
use crate::monte_carlo::{self as mc, BlockSums, HestonParams, McParams, McResult, BLOCK_SAMPLES};
use crate::rough_heston::{self, RoughParams};
use crate::{black_scholes, calibration, heston, implied_vol, parity, ssvi, svi};

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
/** Heston's parameters. */
/** The American functions' speed/accuracy setting (about 1e-6, 1e-8, 1e-10 relative). */
export type Accuracy = "fast" | "accurate" | "high";
/** What american_greeks returns. */
export interface AmericanGreeks {
  price: number; delta: number; gamma: number; theta: number; vega: number; rho: number;
  epsilon: number;
}
/** What american_boundary returns: calendar times from today to expiry, the critical spots. */
export interface ExerciseBoundary { time: Float64Array; boundary: Float64Array; }
export interface HestonModel { v0: number; kappa: number; theta: number; xi: number; rho: number; }
/** What calibrate_heston takes: a market and its quotes (batch columns; a rate and dividend
 * per quote for a term structure). */
export interface HestonCalibrationParams {
  spot: number; rate: NumberColumn; dividend: NumberColumn; kind: OptionKind | OptionKind[];
  strike: NumberColumn; expiry: NumberColumn; price: NumberColumn; weight?: NumberColumn;
  initial?: HestonModel;
}
/** What fit_svi returns: raw SVI parameters and the fit's diagnostics. */
export interface SviFit {
  a: number; b: number; rho: number; m: number; sigma: number; rmse_w: number; rmse_vol: number;
  min_g: number; butterfly_free: boolean;
}
/** What fit_ssvi returns: the surface's parameters, each expiry's ATM total variance, checks. */
export interface SsviFit {
  rho: number; eta: number; gamma: number; expiry: Float64Array; theta: Float64Array;
  rmse_vol: number; calendar_free: boolean; butterfly_free: boolean;
}
/** What parity_forward returns: `used[i]` is 1 where row i is a call-put pair the final fit used. */
export interface ParityFit {
  forward: number; discount: number; pairs: number; used_pairs: number; used: Uint8Array;
}
/** What calibrate_heston returns. */
export interface HestonCalibration extends HestonModel {
  rmse_vol: number; rmse_price: number; iterations: number; converged: boolean; feller: boolean;
  message: string; model_price: Float64Array;
}
export interface RoughHestonModel extends HestonModel { hurst: number; }
/** What calibrate_rough_heston takes: calibrate_heston's request, a rough start, Adams steps. */
export interface RoughHestonCalibrationParams extends Omit<HestonCalibrationParams, "initial"> {
  initial?: RoughHestonModel; steps?: number;
}
/** What calibrate_rough_heston returns. */
export interface RoughHestonCalibration extends HestonCalibration { hurst: number; steps: number; }
"#;

// ---------------------------------------------------------------------------------------------
// Argument conversion: JS values -> args::Value; every rule after that lives in args.rs.

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

/// The engine's classification of a JS value.
fn value(v: &JsValue) -> Value {
    if let Some(x) = v.as_f64() {
        Value::Number(x)
    } else if let Some(s) = v.as_string() {
        Value::Str(s)
    } else if let Some(b) = v.as_bool() {
        Value::Bool(b)
    } else {
        Value::Other
    }
}

/// The engine's error as a thrown JS value: a `TypeError` for a value of the wrong type, an
/// `Error` for a broken rule (the message names the parameter and the rule either way), with
/// the rule's batch status code as its `status` property.
fn js_error(e: PricingError) -> JsValue {
    let message = e.to_string();
    let error: JsValue = if e.is_type_error() {
        js_sys::TypeError::new(&message).into()
    } else {
        js_sys::Error::new(&message).into()
    };
    set(
        error.unchecked_ref(),
        "status",
        &JsValue::from_f64(f64::from(e.status_code())),
    );
    error
}

/// An error of this module's own (counts that do not fit the exports' shapes).
fn invalid(param: &str, rule: String) -> JsValue {
    js_error(PricingError::Invalid {
        param: param.into(),
        rule,
    })
}

fn number(param: &'static str, v: &JsValue) -> Result<f64, JsValue> {
    match v.as_f64() {
        Some(x) => Ok(x),
        None => Err(js_error(PricingError::wrong_type(
            param,
            args::A_NUMBER,
            type_name(v),
        ))),
    }
}

fn kind(v: &JsValue) -> Result<OptionKind, JsValue> {
    args::kind(&value(v), || type_name(v)).map_err(js_error)
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

/// What a batch column must be, in JavaScript's words.
const COLUMN_TYPES: &str = "a number, a Float64Array or an array of numbers";

/// An argument that must be an array (a number is refused, not broadcast).
fn array_values(name: &'static str, v: &JsValue) -> Result<Vec<f64>, JsValue> {
    match column(name, v)? {
        ColumnBuf::Values(x) => Ok(x),
        ColumnBuf::Scalar(_) => Err(js_error(PricingError::wrong_type(
            name,
            "a Float64Array or an array of numbers",
            type_name(v),
        ))),
    }
}

fn column(param: &'static str, v: &JsValue) -> Result<ColumnBuf, JsValue> {
    if let Some(x) = v.as_f64() {
        return Ok(ColumnBuf::Scalar(x));
    }
    if let Some(a) = v.dyn_ref::<Float64Array>() {
        return Ok(ColumnBuf::Values(a.to_vec()));
    }
    if let Some(a) = v.dyn_ref::<Array>() {
        let mut values = Vec::with_capacity(a.length() as usize);
        for (i, item) in a.iter().enumerate() {
            let x = item.as_f64().ok_or_else(|| {
                js_error(PricingError::wrong_type(
                    format!("{param}[{i}]"),
                    args::A_NUMBER,
                    type_name(&item),
                ))
            })?;
            values.push(x);
        }
        return Ok(ColumnBuf::Values(values));
    }
    Err(js_error(PricingError::wrong_type(
        param,
        COLUMN_TYPES,
        type_name(v),
    )))
}

/// One kind, or an array of kinds: an element that is not a string is a wrong type (as for
/// numeric columns); a string that is not a kind fails its row alone.
fn kind_column(v: &JsValue) -> Result<KindColumn, JsValue> {
    if let Some(a) = v.dyn_ref::<Array>() {
        let mut rows = Vec::with_capacity(a.length() as usize);
        for (i, item) in a.iter().enumerate() {
            let s = item.as_string().ok_or_else(|| {
                js_error(PricingError::wrong_type(
                    format!("kind[{i}]"),
                    args::A_STRING,
                    type_name(&item),
                ))
            })?;
            rows.push(OptionKind::parse(&s));
        }
        return Ok(KindColumn::PerRow(rows));
    }
    match v.as_string() {
        Some(s) => Ok(KindColumn::One(OptionKind::parse(&s).map_err(js_error)?)),
        None => Err(js_error(PricingError::wrong_type(
            "kind",
            args::KIND_COLUMN_RULE,
            type_name(v),
        ))),
    }
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
) -> Result<f64, JsValue> {
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
) -> Result<Inputs, JsValue> {
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
) -> Result<JsValue, JsValue> {
    let i = inputs(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    Ok(greeks_object(&greeks::try_greeks(&i).map_err(js_error)?).into())
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
) -> Result<f64, JsValue> {
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

/// European price under Heston's stochastic volatility model, semi-analytically (Lewis's
/// integral with a Black-Scholes control variate; about 1e-13 relative). `v0` initial variance,
/// `kappa` mean reversion, `theta` long-run variance, `xi` vol of variance, `rho` correlation.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn heston_price(
    #[wasm_bindgen(unchecked_param_type = "OptionKind")] kind_v: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] v0: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] kappa: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] theta: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] xi: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rho: JsValue,
) -> Result<f64, JsValue> {
    heston::price(
        kind(&kind_v)?,
        number("spot", &spot)?,
        number("strike", &strike)?,
        number("expiry", &expiry)?,
        number("rate", &rate)?,
        number("dividend", &dividend)?,
        HestonParams {
            v0: number("v0", &v0)?,
            kappa: number("kappa", &kappa)?,
            theta: number("theta", &theta)?,
            xi: number("xi", &xi)?,
            rho: number("rho", &rho)?,
        },
    )
    .map_err(js_error)
}

/// European price under rough Heston (El Euch & Rosenbaum 2019): Heston's parameters and the
/// Hurst exponent `hurst` in (0, 0.5] (0.5 is Heston), from the fractional Riccati equation by
/// the Adams scheme at `steps` (default 200) steps with a Richardson companion at half of them.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn rough_heston_price(
    #[wasm_bindgen(unchecked_param_type = "OptionKind")] kind_v: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] v0: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] kappa: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] theta: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] xi: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rho: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] hurst: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number | undefined")] steps: JsValue,
) -> Result<f64, JsValue> {
    let steps = if steps.is_undefined() {
        rough_heston::DEFAULT_STEPS
    } else {
        rough_heston::steps_from(number("steps", &steps)?).map_err(js_error)?
    };
    rough_heston::price(
        kind(&kind_v)?,
        number("spot", &spot)?,
        number("strike", &strike)?,
        number("expiry", &expiry)?,
        number("rate", &rate)?,
        number("dividend", &dividend)?,
        RoughParams {
            heston: HestonParams {
                v0: number("v0", &v0)?,
                kappa: number("kappa", &kappa)?,
                theta: number("theta", &theta)?,
                xi: number("xi", &xi)?,
                rho: number("rho", &rho)?,
            },
            hurst: number("hurst", &hurst)?,
        },
        steps,
    )
    .map_err(js_error)
}

/// A calibration request's spot, quotes and `initial` values (in `initial_fields` order):
/// `calibrate_heston`'s and `calibrate_rough_heston`'s shared reading of `params`.
fn calibration_request(
    params: &JsValue,
    fields: &[&str],
    initial_fields: &[&'static str],
) -> Result<(f64, Vec<calibration::Quote>, Option<Vec<f64>>), JsValue> {
    plain_object("params", params)?;
    let record = JsRecord(params);
    calibration::check_fields(&record.keys(), fields, &calibration::REQUIRED, "params")
        .map_err(js_error)?;
    let field = |k: &str| Reflect::get(params, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let (spot, rate, dividend) = (
        number("spot", &field("spot"))?,
        column("rate", &field("rate"))?,
        column("dividend", &field("dividend"))?,
    );
    let kinds = kind_column(&field("kind"))?;
    let (strike, expiry, price) = (
        column("strike", &field("strike"))?,
        column("expiry", &field("expiry"))?,
        column("price", &field("price"))?,
    );
    let weight = field("weight");
    let weight = if weight.is_undefined() {
        None
    } else {
        Some(column("weight", &weight)?)
    };
    let initial = field("initial");
    let initial = if initial.is_undefined() {
        None
    } else {
        plain_object("initial", &initial)?;
        let keys = JsRecord(&initial).keys();
        calibration::check_fields(&keys, initial_fields, initial_fields, "initial")
            .map_err(js_error)?;
        let mut values = Vec::with_capacity(initial_fields.len());
        for k in initial_fields {
            let v = Reflect::get(&initial, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
            values.push(number(k, &v)?);
        }
        Some(values)
    };
    let quotes = calibration::quotes_from_columns(
        rate.view(),
        dividend.view(),
        &kinds,
        strike.view(),
        expiry.view(),
        price.view(),
        weight.as_ref().map(ColumnBuf::view),
    )
    .map_err(js_error)?;
    Ok((spot, quotes, initial))
}

/// Heston's five parameters from the values of `INITIAL_FIELDS`' order.
fn heston_of(v: &[f64]) -> HestonParams {
    HestonParams {
        v0: v[0],
        kappa: v[1],
        theta: v[2],
        xi: v[3],
        rho: v[4],
    }
}

/// Fits Heston's parameters to option quotes (Levenberg-Marquardt on implied-vol errors).
///
/// `params`: `{spot, rate, dividend, kind, strike, expiry, price, weight?, initial?}` with `kind` one
/// string or an array, `rate`/`dividend`/`strike`/`expiry`/`price` (and `weight`, default 1)
/// numbers or arrays of one length, `initial` an optional `{v0, kappa, theta, xi, rho}` start. Returns `{v0, kappa, theta, xi,
/// rho, rmse_vol, rmse_price, iterations, converged, feller, message, model_price}`.
#[wasm_bindgen(unchecked_return_type = "HestonCalibration")]
pub fn calibrate_heston(
    #[wasm_bindgen(unchecked_param_type = "HestonCalibrationParams")] params: JsValue,
) -> Result<JsValue, JsValue> {
    let (spot, quotes, initial) =
        calibration_request(&params, &calibration::FIELDS, &calibration::INITIAL_FIELDS)?;
    let initial = initial.as_deref().map(heston_of);
    let fit = calibration::calibrate(spot, &quotes, initial).map_err(js_error)?;
    let obj = Object::new();
    let m = fit.model;
    for (k, v) in [
        ("v0", m.v0),
        ("kappa", m.kappa),
        ("theta", m.theta),
        ("xi", m.xi),
        ("rho", m.rho),
        ("rmse_vol", fit.rmse_vol),
        ("rmse_price", fit.rmse_price),
        ("iterations", fit.iterations as f64),
    ] {
        set(&obj, k, &JsValue::from_f64(v));
    }
    set(&obj, "converged", &JsValue::from_bool(fit.converged));
    set(&obj, "feller", &JsValue::from_bool(fit.feller));
    set(&obj, "message", &JsValue::from_str(fit.message));
    set(
        &obj,
        "model_price",
        &Float64Array::from(fit.model_prices.as_slice()).into(),
    );
    Ok(obj.into())
}

/// Fits rough Heston's six parameters (Heston's five and `hurst`) to option quotes: the
/// objective and request of `calibrate_heston`, the fractional Adams pricer at `steps` (default
/// 100) Adams steps. `initial` is an optional `{v0, kappa, theta, xi, rho, hurst}`. Returns
/// `calibrate_heston`'s fields, `hurst` and `steps`.
#[wasm_bindgen(unchecked_return_type = "RoughHestonCalibration")]
pub fn calibrate_rough_heston(
    #[wasm_bindgen(unchecked_param_type = "RoughHestonCalibrationParams")] params: JsValue,
) -> Result<JsValue, JsValue> {
    let (spot, quotes, initial) = calibration_request(
        &params,
        &calibration::rough::FIELDS,
        &calibration::rough::INITIAL_FIELDS,
    )?;
    let initial = initial.map(|v| RoughParams {
        heston: heston_of(&v),
        hurst: v[5],
    });
    let steps = Reflect::get(&params, &JsValue::from_str("steps")).unwrap_or(JsValue::UNDEFINED);
    let steps = if steps.is_undefined() {
        calibration::rough::CALIBRATION_STEPS
    } else {
        rough_heston::steps_from(number("steps", &steps)?).map_err(js_error)?
    };
    let fit = calibration::rough::calibrate(spot, &quotes, initial, steps).map_err(js_error)?;
    let obj = Object::new();
    let m = fit.model.heston;
    for (k, v) in [
        ("v0", m.v0),
        ("kappa", m.kappa),
        ("theta", m.theta),
        ("xi", m.xi),
        ("rho", m.rho),
        ("hurst", fit.model.hurst),
        ("rmse_vol", fit.rmse_vol),
        ("rmse_price", fit.rmse_price),
        ("iterations", fit.iterations as f64),
        ("steps", fit.steps as f64),
    ] {
        set(&obj, k, &JsValue::from_f64(v));
    }
    set(&obj, "converged", &JsValue::from_bool(fit.converged));
    set(&obj, "feller", &JsValue::from_bool(fit.feller));
    set(&obj, "message", &JsValue::from_str(fit.message));
    set(
        &obj,
        "model_price",
        &Float64Array::from(fit.model_prices.as_slice()).into(),
    );
    Ok(obj.into())
}

/// Fits a raw SVI smile (Gatheral 2004) to one expiry's implied vols, free of butterfly
/// arbitrage where it can be (Gatheral & Jacquier 2014). `strike`, `vol` arrays of one length
/// (at least 5), `expiry` and `forward` > 0, `weight` optional (default 1 per quote). Returns
/// `{a, b, rho, m, sigma, rmse_w, rmse_vol, min_g, butterfly_free}`: `w(k) = a + b (rho (k - m)
/// + sqrt((k - m)^2 + sigma^2))` is the total variance at `k = ln(strike/forward)`.
#[wasm_bindgen(unchecked_return_type = "SviFit")]
pub fn fit_svi(
    #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] vol: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] forward: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Float64Array | number[] | undefined")] weight: JsValue,
) -> Result<JsValue, JsValue> {
    let strike = array_values("strike", &strike)?;
    let vol = array_values("vol", &vol)?;
    let (expiry, forward) = (number("expiry", &expiry)?, number("forward", &forward)?);
    let weight = if weight.is_undefined() || weight.is_null() {
        vec![1.0; strike.len()]
    } else {
        array_values("weight", &weight)?
    };
    let fit = svi::fit(&strike, &vol, &weight, expiry, forward).map_err(js_error)?;
    let obj = Object::new();
    let p = fit.params;
    for (k, v) in [
        ("a", p.a),
        ("b", p.b),
        ("rho", p.rho),
        ("m", p.m),
        ("sigma", p.sigma),
        ("rmse_w", fit.rmse_w),
        ("rmse_vol", fit.rmse_vol),
        ("min_g", fit.min_g),
    ] {
        set(&obj, k, &JsValue::from_f64(v));
    }
    set(
        &obj,
        "butterfly_free",
        &JsValue::from_bool(fit.min_g >= 0.0),
    );
    Ok(obj.into())
}

/// The forward and discount factor of one expiry by put-call parity, `C - P = D (F - K)`: a
/// least-median-of-squares line through `(strike, call - put)` over the strikes quoted on both
/// sides, refitted by least squares without the outliers (stale or mis-keyed quotes). `call`,
/// `put`: prices per strike, NaN where that side is not quoted; `discount` optional (then only
/// the forward is fitted). Returns `{forward, discount, pairs, used_pairs, used}`.
#[wasm_bindgen(unchecked_return_type = "ParityFit")]
pub fn parity_forward(
    #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] call: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] put: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number | undefined")] discount: JsValue,
) -> Result<JsValue, JsValue> {
    let strike = array_values("strike", &strike)?;
    let call = array_values("call", &call)?;
    let put = array_values("put", &put)?;
    let discount = if discount.is_undefined() || discount.is_null() {
        None
    } else {
        Some(number("discount", &discount)?)
    };
    let fit = parity::parity_forward(&strike, &call, &put, discount).map_err(js_error)?;
    let obj = Object::new();
    set(&obj, "forward", &JsValue::from_f64(fit.forward));
    set(&obj, "discount", &JsValue::from_f64(fit.discount));
    set(&obj, "pairs", &JsValue::from_f64(fit.pairs as f64));
    set(
        &obj,
        "used_pairs",
        &JsValue::from_f64(fit.used_pairs as f64),
    );
    let used: Vec<u8> = fit.used.iter().map(|&u| u8::from(u)).collect();
    set(&obj, "used", &Uint8Array::from(used.as_slice()));
    Ok(obj.into())
}

/// Fits an SSVI surface (Gatheral & Jacquier 2014, power-law phi) to quotes over several
/// expiries: `strike`, `vol`, `expiry`, `forward` numbers or arrays of one length (each quote's
/// expiry and that expiry's forward). Returns `{rho, eta, gamma, expiry, theta, rmse_vol,
/// calendar_free, butterfly_free}` with `theta` the ATM total variance of each `expiry`.
#[wasm_bindgen(unchecked_return_type = "SsviFit")]
pub fn fit_ssvi(
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] vol: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] forward: JsValue,
) -> Result<JsValue, JsValue> {
    let fit = ssvi::fit_columns(
        column("strike", &strike)?.view(),
        column("vol", &vol)?.view(),
        column("expiry", &expiry)?.view(),
        column("forward", &forward)?.view(),
    )
    .map_err(js_error)?;
    let obj = Object::new();
    for (key, value) in [
        ("rho", fit.rho),
        ("eta", fit.eta),
        ("gamma", fit.gamma),
        ("rmse_vol", fit.rmse_vol),
    ] {
        set(&obj, key, &JsValue::from_f64(value));
    }
    let expiries: Vec<f64> = fit.theta.iter().map(|p| p.0).collect();
    let thetas: Vec<f64> = fit.theta.iter().map(|p| p.1).collect();
    set(
        &obj,
        "expiry",
        &Float64Array::from(expiries.as_slice()).into(),
    );
    set(&obj, "theta", &Float64Array::from(thetas.as_slice()).into());
    set(
        &obj,
        "calendar_free",
        &JsValue::from_bool(fit.calendar_free),
    );
    set(
        &obj,
        "butterfly_free",
        &JsValue::from_bool(fit.butterfly_free),
    );
    Ok(obj.into())
}

// ---------------------------------------------------------------------------------------------
// American options

/// `accuracy` as given: absent (`undefined`) is "accurate".
fn accuracy(v: &JsValue) -> Result<Accuracy, JsValue> {
    if v.is_undefined() {
        return Ok(Accuracy::Accurate);
    }
    match v.as_string() {
        Some(s) => Accuracy::parse(&s).map_err(js_error),
        None => Err(js_error(PricingError::wrong_type(
            "accuracy",
            american::ACCURACY_RULE,
            type_name(v),
        ))),
    }
}

/// The price of an American option under Black-Scholes-Merton with a continuous dividend yield,
/// by the exercise-boundary method of Andersen, Lake & Offengenden (2016).
///
/// Arguments as `black_scholes`, plus `accuracy`: "fast", "accurate" (the default) or "high",
/// about 1e-6, 1e-8 and 1e-10 relative. Where early exercise never pays (a call with
/// `dividend <= 0`, a put with `rate <= 0`, each with the other rate no lower) the European
/// price, exactly. A put with `dividend < rate < 0` (a call with `rate < dividend < 0`) has two
/// exercise boundaries and throws.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn american(
    #[wasm_bindgen(unchecked_param_type = "OptionKind")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] vol: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Accuracy | undefined")] accuracy_v: JsValue,
) -> Result<f64, JsValue> {
    let i = inputs(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    american::price(&i, accuracy(&accuracy_v)?).map_err(js_error)
}

/// The American price and Greeks `{price, delta, gamma, theta, vega, rho, epsilon}`, with the
/// conventions of `greeks` (theta per year of calendar time). Delta and gamma are exact
/// derivatives of the price, theta follows from the Black-Scholes equation, vega, rho and
/// epsilon are central differences with the boundary solved again. Arguments as `american`.
#[wasm_bindgen(unchecked_return_type = "AmericanGreeks")]
#[allow(clippy::too_many_arguments)]
pub fn american_greeks(
    #[wasm_bindgen(unchecked_param_type = "OptionKind")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] vol: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Accuracy | undefined")] accuracy_v: JsValue,
) -> Result<JsValue, JsValue> {
    let i = inputs(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    let g: AmericanGreeks = american::greeks(&i, accuracy(&accuracy_v)?).map_err(js_error)?;
    let obj = Object::new();
    for (name, value) in AmericanGreeks::NAMES.iter().zip(g.to_array()) {
        set(&obj, name, &JsValue::from_f64(value));
    }
    Ok(obj.into())
}

/// The early-exercise boundary `{time, boundary}`: calendar times from today to expiry and the
/// critical spot at each (a put is exercised at or below it, a call at or above; 0 for a put and
/// Infinity for a call where early exercise never pays). It does not depend on `spot`, which is
/// checked like the other arguments; `expiry` and `vol` must be > 0.
#[wasm_bindgen(unchecked_return_type = "ExerciseBoundary")]
#[allow(clippy::too_many_arguments)]
pub fn american_boundary(
    #[wasm_bindgen(unchecked_param_type = "OptionKind")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] vol: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Accuracy | undefined")] accuracy_v: JsValue,
) -> Result<JsValue, JsValue> {
    let i = inputs(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    let (time, boundary) = american::boundary(&i, accuracy(&accuracy_v)?).map_err(js_error)?;
    let obj = Object::new();
    set(&obj, "time", &Float64Array::from(time.as_slice()));
    set(&obj, "boundary", &Float64Array::from(boundary.as_slice()));
    Ok(obj.into())
}

/// The volatility at which the American price is `price` (arguments as `implied_vol`, plus
/// `accuracy`). A price below the option's value at vol 0 (at least its intrinsic value), or at
/// or above the spot (call) / strike (put), throws; at the vol-0 value, 0 is returned.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn american_implied_vol(
    #[wasm_bindgen(unchecked_param_type = "OptionKind")] kind_v: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] price: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Accuracy | undefined")] accuracy_v: JsValue,
) -> Result<f64, JsValue> {
    american::implied_vol(
        kind(&kind_v)?,
        number("price", &price)?,
        number("spot", &spot)?,
        number("strike", &strike)?,
        number("expiry", &expiry)?,
        number("rate", &rate)?,
        number("dividend", &dividend)?,
        accuracy(&accuracy_v)?,
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
    ) -> Result<Self, JsValue> {
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
) -> Result<JsValue, JsValue> {
    let bufs = BsBufs::new(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    let (price, status) = batch::black_scholes_many(&bufs.view(), 1).map_err(js_error)?;
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
) -> Result<JsValue, JsValue> {
    let bufs = BsBufs::new(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    let (rows, status) = batch::greeks_many(&bufs.view(), 1).map_err(js_error)?;
    let out = Object::new();
    for (name, column) in Greeks::NAMES.iter().zip(batch::greeks_columns(&rows)) {
        set(&out, name, &Float64Array::from(column.as_slice()));
    }
    set(&out, "status", &Uint8Array::from(status.as_slice()));
    Ok(out.into())
}

/// American prices of many options in one call (arguments as `american`, batching as
/// `black_scholes_many`; `accuracy` one setting for all rows). Returns `{price, status}`.
#[wasm_bindgen(unchecked_return_type = "{ price: Float64Array; status: Uint8Array }")]
#[allow(clippy::too_many_arguments)]
pub fn american_many(
    #[wasm_bindgen(unchecked_param_type = "OptionKind | OptionKind[]")] kind: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] spot: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] strike: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] expiry: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] rate: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] dividend: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NumberColumn")] vol: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Accuracy | undefined")] accuracy_v: JsValue,
) -> Result<JsValue, JsValue> {
    let bufs = BsBufs::new(&kind, &spot, &strike, &expiry, &rate, &dividend, &vol)?;
    let a = accuracy(&accuracy_v)?;
    let (price, status) = batch::american_many(&bufs.view(), a, 1).map_err(js_error)?;
    let out = Object::new();
    set(&out, "price", &Float64Array::from(price.as_slice()));
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
) -> Result<JsValue, JsValue> {
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
    let (vol, status) = batch::implied_vol_many(&args, 1).map_err(js_error)?;
    let out = Object::new();
    set(&out, "vol", &Float64Array::from(vol.as_slice()));
    set(&out, "status", &Uint8Array::from(status.as_slice()));
    Ok(out.into())
}

/// The rule a batch row broke, from its status code (0 = "ok").
#[wasm_bindgen]
pub fn status_message(
    #[wasm_bindgen(unchecked_param_type = "number")] code: JsValue,
) -> Result<String, JsValue> {
    let code = args::status_code(number("code", &code)?).map_err(js_error)?;
    Ok(errors::STATUS_MESSAGES[usize::from(code)].to_owned())
}

/// The API's fixed tables: `{status_messages, greek_names, mc_fields, messages}` — the batch
/// status texts (index = code), the Greeks in `greeks()` order (after `price`), every
/// `monte_carlo` field, and the templates of the errors the pure-Python reference can also
/// reach (`{template, status}`; `{name}` marks a number). The Pyodide bridge reads them once.
#[wasm_bindgen(
    unchecked_return_type = "{ status_messages: string[]; greek_names: string[]; mc_fields: string[]; messages: Record<string, { template: string; status: number }> }"
)]
pub fn api_tables() -> JsValue {
    let strings =
        |items: &[&str]| -> Array { items.iter().map(|s| JsValue::from_str(s)).collect() };
    let out = Object::new();
    set(&out, "status_messages", &strings(errors::STATUS_MESSAGES));
    set(&out, "greek_names", &strings(&Greeks::NAMES[1..]));
    set(&out, "mc_fields", &strings(&args::MC_FIELDS));
    let messages = Object::new();
    for (name, template, status) in errors::MESSAGES {
        let m = Object::new();
        set(&m, "template", &JsValue::from_str(template));
        set(&m, "status", &JsValue::from_f64(f64::from(status)));
        set(&messages, name, &m);
    }
    set(&out, "messages", &messages);
    out.into()
}

/// The engine's version (the crate version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo

/// A JS object as an [`args::Record`]; a field that is `undefined` counts as absent.
struct JsRecord<'a>(&'a JsValue);

impl Record for JsRecord<'_> {
    fn keys(&self) -> Vec<String> {
        Object::keys(self.0.unchecked_ref::<Object>())
            .iter()
            .map(|k| k.as_string().unwrap_or_default())
            .collect()
    }

    fn get(&self, key: &str) -> Option<Value> {
        Reflect::get(self.0, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined())
            .map(|v| value(&v))
    }

    fn type_name(&self, key: &str) -> String {
        Reflect::get(self.0, &JsValue::from_str(key)).map_or("undefined".into(), |v| type_name(&v))
    }
}

/// A plain object: not null, not an array or typed array (whose indices would read as keys).
fn plain_object(param: &str, v: &JsValue) -> Result<(), JsValue> {
    if !v.is_object() || Array::is_array(v) || ArrayBuffer::is_view(v) {
        return Err(js_error(PricingError::wrong_type(
            param,
            args::AN_OBJECT,
            type_name(v),
        )));
    }
    Ok(())
}

/// Reads and validates a `monte_carlo` params object (rules: `args::monte_carlo_params`).
fn mc_params(params: &JsValue) -> Result<McParams, JsValue> {
    plain_object("params", params)?;
    args::monte_carlo_params(&JsRecord(params)).map_err(js_error)
}

/// An `args::Value` as a JS value.
fn js_value(v: &Value) -> JsValue {
    match v {
        Value::Number(x) => JsValue::from_f64(*x),
        Value::Str(s) => JsValue::from_str(s),
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Other => JsValue::NULL,
    }
}

/// Checks the arguments of `function` exactly as calling it would, without computing it, and
/// returns them normalised: for `"black_scholes"`, `"greeks"` and `"implied_vol"` an array of
/// the seven arguments (`args` in API order); for `"monte_carlo"` (`args = [params]`) the params
/// with every default filled in. Throws the error the function would throw. The pure-Python
/// reference uses it to share the engine's rules; a form can use it to check input as it is typed.
#[wasm_bindgen]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "string")] function: JsValue,
    #[wasm_bindgen(unchecked_param_type = "unknown[]")] args_v: JsValue,
) -> Result<JsValue, JsValue> {
    let function = function.as_string().ok_or_else(|| {
        js_error(PricingError::wrong_type(
            "function",
            "a string",
            type_name(&function),
        ))
    })?;
    let list = args_v.dyn_ref::<Array>().ok_or_else(|| {
        js_error(PricingError::wrong_type(
            "args",
            "an array",
            type_name(&args_v),
        ))
    })?;
    if function == "monte_carlo" {
        if list.length() != 1 {
            return Err(invalid(
                "args",
                format!("must hold the 1 argument params (got {})", list.length()),
            ));
        }
        let p = mc_params(&list.get(0))?;
        let out = Object::new();
        for (key, v) in args::monte_carlo_fields(&p) {
            set(&out, key, &js_value(&v));
        }
        return Ok(out.into());
    }
    let items: Vec<JsValue> = list.iter().collect();
    let values: Vec<Value> = items.iter().map(value).collect();
    let checked =
        args::validate(&function, &values, &|i| type_name(&items[i])).map_err(js_error)?;
    Ok(checked.iter().map(js_value).collect::<Array>().into())
}

fn mc_result_object(p: &McParams, r: &McResult) -> Object {
    let out = Object::new();
    let num = |k: &str, x: f64| set(&out, k, &JsValue::from_f64(x));
    num("price", r.price);
    num("std_error", r.std_error);
    num("ci_low", r.ci_low);
    num("ci_high", r.ci_high);
    num("paths", r.paths as f64);
    num("steps", r.steps as f64);
    num("samples", r.samples as f64);
    set(&out, "model", &JsValue::from_str(p.model().name()));
    set(
        &out,
        "payoff",
        &JsValue::from_str(p.payoff().name().as_str()),
    );
    num("seed", p.seed() as f64);
    set(&out, "antithetic", &JsValue::from_bool(p.antithetic()));
    set(
        &out,
        "control_variate",
        &JsValue::from_bool(r.control_variate),
    );
    num("price_without_control", r.price_without_control);
    num("std_error_without_control", r.std_error_without_control);
    if let Some(g) = &r.greeks {
        num("delta", g.delta);
        num("delta_std_error", g.delta_std_error);
        num("gamma", g.gamma);
        num("gamma_std_error", g.gamma_std_error);
        num("vega", g.vega);
        num("vega_std_error", g.vega_std_error);
    }
    out
}

#[wasm_bindgen(typescript_custom_section)]
const TS_MC_TYPES: &str = r#"
/** monte_carlo's params (docs/api.md): contract, model fields, and simulation options. */
export interface McParams {
  model: "gbm" | "heston" | "rough_heston";
  kind: OptionKind; spot: number; strike: number; expiry: number; rate: number; dividend: number;
  /** gbm */ vol?: number;
  /** heston, rough_heston */ v0?: number; kappa?: number; theta?: number; xi?: number; rho?: number;
  /** rough_heston, in (0, 0.5] */ hurst?: number;
  /** default 100000 */ paths?: number;
  /** default 1 (gbm), 100 (others) */ steps?: number;
  /** integer in [0, 2^53), default 0 */ seed?: number;
  /** default true */ antithetic?: boolean;
  /** also delta, gamma, vega by bump-and-reprice; default false (not for american, bermudan) */ greeks?: boolean;
  /** default "european" */ payoff?: Payoff;
  /** the barrier level of the barrier payoffs (continuous monitoring) */ barrier?: number;
  /** bermudan: exercise dates k T / exercise_dates, an integer in [1, 512] */ exercise_dates?: number;
}
export type Payoff = "european" | "asian_arithmetic" | "asian_geometric" | "up_and_out" | "up_and_in"
  | "down_and_out" | "down_and_in" | "bermudan" | "american";
export interface McResult {
  price: number; std_error: number; ci_low: number; ci_high: number;
  paths: number; steps: number; samples: number; model: string; payoff: Payoff; seed: number;
  antithetic: boolean; control_variate: boolean; price_without_control: number; std_error_without_control: number;
  delta?: number; delta_std_error?: number; gamma?: number; gamma_std_error?: number;
  vega?: number; vega_std_error?: number;
}
export interface McPlan { blocks: number; block_len: number; block_samples: number; paths: number; steps: number; samples: number; }
export interface McPaths { times: Float64Array; spot: Float64Array; variance: Float64Array; n: number; points: number; }
"#;

/// Monte Carlo price of an option under `"gbm"`, `"heston"` (Andersen's QE scheme with
/// martingale correction) or `"rough_heston"` (a Markovian lift of the Volterra variance).
///
/// `params`: `{model, kind, spot, strike, expiry, rate, dividend}` plus the model's fields
/// (`vol`; `v0, kappa, theta, xi, rho`; `hurst`) and optionally `paths` (default 100000),
/// `steps` (default 1 for gbm with a European or barrier payoff, 100 otherwise), `seed`
/// (default 0), `antithetic` (default true), `greeks` (default false: true adds delta, gamma,
/// vega with standard errors, by bump-and-reprice on common random numbers), `payoff` (default
/// `"european"`; Asian, barrier (with `barrier`), `"bermudan"` (with `exercise_dates`) and
/// `"american"` by Longstaff-Schwartz: docs/api.md). Unknown fields throw. The same params and
/// seed give the identical result, however the work is split across workers.
/// Returns `{price, std_error, ci_low, ci_high (95%), paths, steps, ...}`.
#[wasm_bindgen(unchecked_return_type = "McResult")]
pub fn monte_carlo(
    #[wasm_bindgen(unchecked_param_type = "McParams")] params: JsValue,
) -> Result<JsValue, JsValue> {
    let p = mc_params(&params)?;
    let r = mc::run(&p).map_err(js_error)?;
    Ok(mc_result_object(&p, &r).into())
}

/// How a run splits into blocks for workers: `{blocks, block_len, block_samples, paths, steps,
/// samples}`. Each block's moments are `block_len` numbers of `monte_carlo_blocks`' output; each
/// block holds `block_samples` samples (the last may hold fewer), a sample being an antithetic
/// pair of paths unless `antithetic` is false.
#[wasm_bindgen(unchecked_return_type = "McPlan")]
pub fn monte_carlo_plan(
    #[wasm_bindgen(unchecked_param_type = "McParams")] params: JsValue,
) -> Result<JsValue, JsValue> {
    let p = mc_params(&params)?;
    let out = Object::new();
    set(
        &out,
        "blocks",
        &JsValue::from_f64(mc::block_count(&p) as f64),
    );
    set(&out, "block_len", &JsValue::from_f64(BlockSums::LEN as f64));
    set(
        &out,
        "block_samples",
        &JsValue::from_f64(BLOCK_SAMPLES as f64),
    );
    set(&out, "paths", &JsValue::from_f64(p.paths() as f64));
    set(&out, "steps", &JsValue::from_f64(p.steps() as f64));
    set(&out, "samples", &JsValue::from_f64(p.samples() as f64));
    Ok(out.into())
}

fn block_index(param: &'static str, v: &JsValue) -> Result<u64, JsValue> {
    args::index(param, number(param, v)?).map_err(js_error)
}

/// A worker's share of a run: the moments of blocks `first .. first + count`, flattened
/// (`block_len` numbers per block). Pass every block of the run to `monte_carlo_finish`.
#[wasm_bindgen]
pub fn monte_carlo_blocks(
    #[wasm_bindgen(unchecked_param_type = "McParams")] params: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] first: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] count: JsValue,
) -> Result<Float64Array, JsValue> {
    let p = mc_params(&params)?;
    let blocks = mc::simulate_blocks(
        &p,
        block_index("first", &first)?,
        block_index("count", &count)?,
    )
    .map_err(js_error)?;
    let flat: Vec<f64> = blocks.iter().flat_map(|b| b.to_array()).collect();
    Ok(Float64Array::from(flat.as_slice()))
}

/// The result of a run from all its blocks' moments (any order): bit-identical to
/// `monte_carlo(params)`.
#[wasm_bindgen(unchecked_return_type = "McResult")]
pub fn monte_carlo_finish(
    #[wasm_bindgen(unchecked_param_type = "McParams")] params: JsValue,
    blocks: &Float64Array,
) -> Result<JsValue, JsValue> {
    let p = mc_params(&params)?;
    let flat = blocks.to_vec();
    if flat.len() % BlockSums::LEN != 0 {
        return Err(invalid(
            "blocks",
            format!(
                "must hold {} numbers per block (got {} numbers)",
                BlockSums::LEN,
                flat.len()
            ),
        ));
    }
    let sums = flat
        .chunks_exact(BlockSums::LEN)
        .map(BlockSums::from_array)
        .collect::<Result<Vec<_>, _>>()
        .map_err(js_error)?;
    let r = mc::finish(&p, &sums).map_err(js_error)?;
    Ok(mc_result_object(&p, &r).into())
}

/// `n` sample paths of the run's random streams at `points` times, for charts:
/// `{times, spot, variance, n, points}` with `spot` and `variance` row-major (`n` rows of
/// `points`; `points` is capped at `steps + 1`). Paths 2i and 2i+1 are an antithetic pair.
#[wasm_bindgen(unchecked_return_type = "McPaths")]
pub fn monte_carlo_paths(
    #[wasm_bindgen(unchecked_param_type = "McParams")] params: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] points: JsValue,
) -> Result<JsValue, JsValue> {
    let p = mc_params(&params)?;
    let n = block_index("n", &n)?;
    let points = block_index("points", &points)?;
    // Out-of-range counts are reported by sample_paths with its limits.
    let clamp = |x: u64| usize::try_from(x).unwrap_or(usize::MAX);
    let paths = mc::sample_paths(&p, clamp(n), clamp(points)).map_err(js_error)?;
    let flatten = |rows: &[Vec<f64>]| -> Float64Array {
        let flat: Vec<f64> = rows.iter().flatten().copied().collect();
        Float64Array::from(flat.as_slice())
    };
    let out = Object::new();
    set(&out, "times", &Float64Array::from(paths.times.as_slice()));
    set(&out, "spot", &flatten(&paths.spot));
    set(&out, "variance", &flatten(&paths.variance));
    set(&out, "n", &JsValue::from_f64(paths.spot.len() as f64));
    set(&out, "points", &JsValue::from_f64(paths.times.len() as f64));
    Ok(out.into())
}
