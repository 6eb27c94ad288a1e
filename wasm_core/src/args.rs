//! The API's arguments as a frontend receives them, and the rules that read them.
//!
//! One definition for every frontend: `bindings.rs` (JavaScript), `python.rs` (CPython) and,
//! through [`validate`], the pure-Python reference, which asks the engine to check its
//! arguments instead of restating the rules. A frontend classifies each argument into a
//! [`Value`] (the only language-specific step: what counts as a number, and the name of a
//! type in its user's language); everything after that — which rule, in which order, with
//! which message — happens here.

use crate::errors::PricingError;
use crate::inputs::{Inputs, OptionKind};
use crate::monte_carlo::{HestonParams, McOptions, McParams, Model, Payoff, PayoffName};

/// An argument as the frontend received it, before any rule is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Str(String),
    Bool(bool),
    /// Anything else (`null`, `None`, arrays, lists, objects, dicts ...).
    Other,
}

/// A keyed collection (a JavaScript object, a Python dict), e.g. `monte_carlo`'s params.
pub trait Record {
    /// The keys, in the caller's order.
    fn keys(&self) -> Vec<String>;
    /// The field `key`; `None` when it is absent (JavaScript: also when `undefined`).
    fn get(&self, key: &str) -> Option<Value>;
    /// The name of the type of field `key` in the caller's language (`str`, `NoneType`,
    /// `string`, `null` ...), for "(got str)" messages.
    fn type_name(&self, key: &str) -> String;
}

/// What `kind` must be.
pub const KIND_RULE: &str = "\"call\" or \"put\"";
/// What `kind` of a batch must be.
pub const KIND_COLUMN_RULE: &str = "\"call\", \"put\" or a sequence of them";
/// What a numeric argument must be.
pub const A_NUMBER: &str = "a number";
/// What a flag must be.
pub const A_BOOLEAN: &str = "a boolean";
/// What `params` must be.
pub const AN_OBJECT: &str = "an object";
/// What an element of a `kind` column must be.
pub const A_STRING: &str = "a string";

/// `value` as a number, else the wrong-type error naming `param` and `type_name()`.
pub fn number(
    param: &str,
    value: &Value,
    type_name: impl FnOnce() -> String,
) -> Result<f64, PricingError> {
    match value {
        Value::Number(x) => Ok(*x),
        _ => Err(PricingError::wrong_type(param, A_NUMBER, type_name())),
    }
}

/// `value` as an option kind: exactly `"call"` or `"put"`.
pub fn kind(value: &Value, type_name: impl FnOnce() -> String) -> Result<OptionKind, PricingError> {
    match value {
        Value::Str(s) => OptionKind::parse(s),
        _ => Err(PricingError::wrong_type("kind", KIND_RULE, type_name())),
    }
}

/// The batch status code rule: an exact integer in `0..=last` (2.5 or 300 must not be
/// truncated or wrapped into a valid code).
///
/// # Errors
/// `code` naming the rule.
pub fn status_code(x: f64) -> Result<u8, PricingError> {
    let last = crate::errors::STATUS_MESSAGES.len() - 1;
    if x.fract() == 0.0 && (0.0..=last as f64).contains(&x) {
        Ok(x as u8)
    } else {
        Err(PricingError::Invalid {
            param: "code".into(),
            rule: format!("must be an integer status code in 0..={last} (got {x})"),
        })
    }
}

/// A non-negative integer argument below 2^53 (block indices, counts of sample paths).
///
/// # Errors
/// `param` naming the rule.
pub fn index(param: &str, x: f64) -> Result<u64, PricingError> {
    if x.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&x) {
        Ok(x as u64)
    } else {
        Err(PricingError::Invalid {
            param: param.into(),
            rule: format!("must be an integer >= 0 (got {x})"),
        })
    }
}

/// The `threads` option of the native batch and Monte Carlo calls: an integer >= 1 (the
/// frontend turns "not given" into the number of cores).
///
/// # Errors
/// `threads` naming the rule.
pub fn threads(x: f64) -> Result<usize, PricingError> {
    if x.fract() == 0.0 && (1.0..=MAX_THREADS as f64).contains(&x) {
        Ok(x as usize)
    } else {
        Err(PricingError::Invalid {
            param: "threads".into(),
            rule: format!("must be an integer in [1, {MAX_THREADS}] (got {x})"),
        })
    }
}

/// Largest `threads`: far above any machine's cores, low enough that a typo (1e9) is an error
/// rather than an attempt to start a billion threads.
pub const MAX_THREADS: usize = 1024;

// ---------------------------------------------------------------------------------------------
// Monte Carlo params

/// Every field `monte_carlo(params)` accepts, in docs/api.md order.
pub const MC_FIELDS: [&str; 22] = [
    "model",
    "kind",
    "spot",
    "strike",
    "expiry",
    "rate",
    "dividend",
    "vol",
    "v0",
    "kappa",
    "theta",
    "xi",
    "rho",
    "hurst",
    "paths",
    "steps",
    "seed",
    "antithetic",
    "greeks",
    "payoff",
    "barrier",
    "exercise_dates",
];
/// The fields that belong to one model or another (`MC_FIELDS[7..14]`).
const MODEL_SPECIFIC: std::ops::Range<usize> = 7..14;
/// The contract fields every model needs, in order.
const MARKET_FIELDS: [&str; 5] = ["spot", "strike", "expiry", "rate", "dividend"];
/// The models, as the API spells them.
pub const MODEL_NAMES: &str = "\"gbm\", \"heston\" or \"rough_heston\"";

/// The model-specific fields of each model (the contract fields and simulation options are
/// common to all).
pub fn model_fields(model: &str) -> Option<&'static [&'static str]> {
    match model {
        "gbm" => Some(&["vol"]),
        "heston" => Some(&["v0", "kappa", "theta", "xi", "rho"]),
        "rough_heston" => Some(&["v0", "kappa", "theta", "xi", "rho", "hurst"]),
        _ => None,
    }
}

fn required(r: &dyn Record, name: &'static str, model: &str) -> Result<f64, PricingError> {
    let v = r.get(name).ok_or_else(|| PricingError::Invalid {
        param: name.into(),
        rule: format!("is required for model \"{model}\""),
    })?;
    number(name, &v, || r.type_name(name))
}

fn optional_number(r: &dyn Record, name: &'static str) -> Result<Option<f64>, PricingError> {
    r.get(name)
        .map(|v| number(name, &v, || r.type_name(name)))
        .transpose()
}

fn optional_bool(r: &dyn Record, name: &'static str, default: bool) -> Result<bool, PricingError> {
    match r.get(name) {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(b),
        Some(_) => Err(PricingError::wrong_type(name, A_BOOLEAN, r.type_name(name))),
    }
}

/// Reads and validates `monte_carlo`'s params. The rules, in the order they are checked (the
/// first broken one is reported):
///
/// 1. every key is one of [`MC_FIELDS`] (a typo must not silently price something else);
/// 2. `model` is present and one of [`MODEL_NAMES`]; no field of another model;
/// 3. `kind` is present and `"call"` or `"put"`; then the contract fields and the model's
///    fields are present and numbers, `paths, steps, seed` numbers and `antithetic, greeks`
///    booleans when given, `payoff` one of [`crate::monte_carlo::PAYOFF_NAMES`] and `barrier,
///    exercise_dates` numbers when given;
/// 4. the values, by [`McParams::new`].
///
/// (That `params` is an object at all is the frontend's check.)
///
/// # Errors
/// The first rule broken.
pub fn monte_carlo_params(r: &dyn Record) -> Result<McParams, PricingError> {
    let keys = r.keys();
    for key in &keys {
        if !MC_FIELDS.contains(&key.as_str()) {
            return Err(PricingError::Invalid {
                param: key.clone(),
                rule: format!(
                    "is not a monte_carlo parameter (expected one of {})",
                    MC_FIELDS.join(", ")
                ),
            });
        }
    }
    let model_v = r.get("model").ok_or_else(|| PricingError::Invalid {
        param: "model".into(),
        rule: format!("is required ({MODEL_NAMES})"),
    })?;
    let model_name = match &model_v {
        Value::Str(s) => s.clone(),
        _ => {
            return Err(PricingError::wrong_type(
                "model",
                MODEL_NAMES,
                r.type_name("model"),
            ))
        }
    };
    let own = model_fields(&model_name).ok_or_else(|| PricingError::Invalid {
        param: "model".into(),
        rule: format!("must be {MODEL_NAMES}"),
    })?;
    for key in &keys {
        let model_specific = MC_FIELDS[MODEL_SPECIFIC].contains(&key.as_str());
        if model_specific && !own.contains(&key.as_str()) {
            return Err(PricingError::Invalid {
                param: key.clone(),
                rule: format!("is not a parameter of model \"{model_name}\""),
            });
        }
    }
    let m = model_name.as_str();
    let kind_v = r.get("kind").ok_or_else(|| PricingError::Invalid {
        param: "kind".into(),
        rule: format!("is required for model \"{m}\""),
    })?;
    let kind = kind(&kind_v, || r.type_name("kind"))?;
    let mut market = [0.0; 5];
    for (slot, name) in market.iter_mut().zip(MARKET_FIELDS) {
        *slot = required(r, name, m)?;
    }
    let [spot, strike, expiry, rate, dividend] = market;
    let model = match m {
        "gbm" => Model::Gbm {
            vol: required(r, "vol", m)?,
        },
        _ => {
            let heston = HestonParams {
                v0: required(r, "v0", m)?,
                kappa: required(r, "kappa", m)?,
                theta: required(r, "theta", m)?,
                xi: required(r, "xi", m)?,
                rho: required(r, "rho", m)?,
            };
            if m == "heston" {
                Model::Heston(heston)
            } else {
                Model::RoughHeston {
                    heston,
                    hurst: required(r, "hurst", m)?,
                }
            }
        }
    };
    let options = McOptions {
        paths: optional_number(r, "paths")?,
        steps: optional_number(r, "steps")?,
        seed: optional_number(r, "seed")?,
        antithetic: optional_bool(r, "antithetic", true)?,
        greeks: optional_bool(r, "greeks", false)?,
        payoff: match r.get("payoff") {
            None => PayoffName::European,
            Some(Value::Str(s)) => PayoffName::parse(&s)?,
            Some(_) => {
                return Err(PricingError::wrong_type(
                    "payoff",
                    crate::monte_carlo::PAYOFF_NAMES,
                    r.type_name("payoff"),
                ))
            }
        },
        barrier: optional_number(r, "barrier")?,
        exercise_dates: optional_number(r, "exercise_dates")?,
    };
    McParams::new(kind, spot, strike, expiry, rate, dividend, model, options)
}

/// The validated params as fields, in [`MC_FIELDS`] order with the defaults filled in
/// (`paths` is the count that will be simulated: with antithetic sampling an odd request is
/// rounded up).
pub fn monte_carlo_fields(p: &McParams) -> Vec<(&'static str, Value)> {
    let mut out = vec![
        ("model", Value::Str(p.model().name().into())),
        ("kind", Value::Str(p.kind().as_str().into())),
        ("spot", Value::Number(p.spot())),
        ("strike", Value::Number(p.strike())),
        ("expiry", Value::Number(p.expiry())),
        ("rate", Value::Number(p.rate())),
        ("dividend", Value::Number(p.dividend())),
    ];
    match p.model() {
        Model::Gbm { vol } => out.push(("vol", Value::Number(vol))),
        Model::Heston(h) | Model::RoughHeston { heston: h, .. } => {
            out.extend([
                ("v0", Value::Number(h.v0)),
                ("kappa", Value::Number(h.kappa)),
                ("theta", Value::Number(h.theta)),
                ("xi", Value::Number(h.xi)),
                ("rho", Value::Number(h.rho)),
            ]);
            if let Model::RoughHeston { hurst, .. } = p.model() {
                out.push(("hurst", Value::Number(hurst)));
            }
        }
    }
    out.extend([
        ("paths", Value::Number(p.paths() as f64)),
        ("steps", Value::Number(p.steps() as f64)),
        ("seed", Value::Number(p.seed() as f64)),
        ("antithetic", Value::Bool(p.antithetic())),
        ("greeks", Value::Bool(p.greeks())),
        ("payoff", Value::Str(p.payoff().name().as_str().into())),
    ]);
    match p.payoff() {
        Payoff::Barrier { level, .. } => out.push(("barrier", Value::Number(level))),
        Payoff::Exercise {
            dates,
            at_start: false,
        } => out.push(("exercise_dates", Value::Number(dates as f64))),
        _ => {}
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Positional functions

/// The argument names of the Black-Scholes-Merton functions, in API order.
pub const BS_ARGS: [&str; 7] = [
    "kind", "spot", "strike", "expiry", "rate", "dividend", "vol",
];
/// The argument names of `implied_vol`, in API order.
pub const IV_ARGS: [&str; 7] = [
    "kind", "price", "spot", "strike", "expiry", "rate", "dividend",
];

/// The functions [`validate`] knows.
/// The positional arguments of `heston_price`.
pub const HESTON_ARGS: [&str; 11] = [
    "kind", "spot", "strike", "expiry", "rate", "dividend", "v0", "kappa", "theta", "xi", "rho",
];

pub const VALIDATED_FUNCTIONS: &str =
    "\"black_scholes\", \"greeks\", \"implied_vol\" or \"heston_price\"";

/// Reads `args` (in `names` order) as a kind followed by numbers.
fn kind_and_numbers<const M: usize, const N: usize>(
    names: &[&'static str; M],
    args: &[Value],
    type_name: &dyn Fn(usize) -> String,
) -> Result<(OptionKind, [f64; N]), PricingError> {
    if args.len() != names.len() {
        return Err(PricingError::Invalid {
            param: "args".into(),
            rule: format!(
                "must hold the {} arguments {} (got {})",
                names.len(),
                names.join(", "),
                args.len()
            ),
        });
    }
    let kind = kind(&args[0], || type_name(0))?;
    let mut x = [0.0; N];
    for (i, slot) in x.iter_mut().enumerate() {
        *slot = number(names[i + 1], &args[i + 1], || type_name(i + 1))?;
    }
    Ok((kind, x))
}

/// Checks the arguments of a positional API function exactly as the function itself does
/// (without computing it), and returns them normalised: the kind as a string, the rest as
/// numbers. This is how the pure-Python reference shares the engine's rules. `type_name(i)`
/// names the type of argument `i` in the caller's language.
///
/// # Errors
/// The first rule broken, as the function would report it; an unknown `function`.
pub fn validate(
    function: &str,
    args: &[Value],
    type_name: &dyn Fn(usize) -> String,
) -> Result<Vec<Value>, PricingError> {
    let out = |kind: OptionKind, x: &[f64]| {
        let mut v = vec![Value::Str(kind.as_str().into())];
        v.extend(x.iter().map(|&x| Value::Number(x)));
        v
    };
    match function {
        "black_scholes" | "greeks" => {
            let (k, [s, strike, t, r, q, vol]) = kind_and_numbers(&BS_ARGS, args, type_name)?;
            Inputs::new(k, s, strike, t, r, q, vol)?;
            Ok(out(k, &[s, strike, t, r, q, vol]))
        }
        "implied_vol" => {
            let (k, x) = kind_and_numbers(&IV_ARGS, args, type_name)?;
            let [price, s, strike, t, r, q] = x;
            crate::implied_vol::check_arguments(price, s, strike, t, r, q)?;
            Ok(out(k, &x))
        }
        "heston_price" => {
            let (k, x): (_, [f64; 10]) = kind_and_numbers(&HESTON_ARGS, args, type_name)?;
            let [s, strike, t, r, q, v0, kappa, theta, xi, rho] = x;
            let model = crate::monte_carlo::HestonParams {
                v0,
                kappa,
                theta,
                xi,
                rho,
            };
            crate::heston::check_arguments(k, s, strike, t, r, q, model)?;
            Ok(out(k, &x))
        }
        _ => Err(PricingError::Invalid {
            param: "function".into(),
            rule: format!("must be {VALIDATED_FUNCTIONS}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn js_type(v: &Value) -> String {
        match v {
            Value::Number(_) => "number",
            Value::Str(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Other => "null",
        }
        .into()
    }

    /// A record in insertion order.
    struct Fields(Vec<(String, Value)>);

    impl Record for Fields {
        fn keys(&self) -> Vec<String> {
            self.0.iter().map(|(k, _)| k.clone()).collect()
        }
        fn get(&self, key: &str) -> Option<Value> {
            self.0
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        }
        fn type_name(&self, key: &str) -> String {
            self.get(key).map_or("undefined".into(), |v| js_type(&v))
        }
    }

    fn gbm(change: &[(&str, Value)]) -> Fields {
        let mut base: BTreeMap<&str, Value> = [
            ("model", Value::Str("gbm".into())),
            ("kind", Value::Str("call".into())),
            ("spot", Value::Number(100.0)),
            ("strike", Value::Number(95.0)),
            ("expiry", Value::Number(0.5)),
            ("rate", Value::Number(0.03)),
            ("dividend", Value::Number(0.0)),
            ("vol", Value::Number(0.2)),
        ]
        .into_iter()
        .collect();
        for (k, v) in change {
            base.insert(k, v.clone());
        }
        Fields(base.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn message(r: &Fields) -> String {
        monte_carlo_params(r).unwrap_err().to_string()
    }

    #[test]
    fn monte_carlo_rules_in_order() {
        assert!(monte_carlo_params(&gbm(&[])).is_ok());
        assert_eq!(
            message(&gbm(&[("volatility", Value::Number(0.2))])),
            format!(
                "volatility is not a monte_carlo parameter (expected one of {})",
                MC_FIELDS.join(", ")
            )
        );
        assert_eq!(
            message(&gbm(&[("model", Value::Other)])),
            "model must be \"gbm\", \"heston\" or \"rough_heston\" (got null)"
        );
        assert_eq!(
            message(&gbm(&[("v0", Value::Number(0.04))])),
            "v0 is not a parameter of model \"gbm\""
        );
        assert_eq!(
            message(&gbm(&[("spot", Value::Str("100".into()))])),
            "spot must be a number (got string)"
        );
        // Types before values.
        assert_eq!(
            message(&gbm(&[
                ("spot", Value::Number(-1.0)),
                ("greeks", Value::Number(1.0))
            ])),
            "greeks must be a boolean (got number)"
        );
        assert_eq!(
            message(&gbm(&[("spot", Value::Number(-1.0))])),
            "spot must be > 0 (got -1)"
        );
    }

    #[test]
    fn fields_round_trip() {
        let p = monte_carlo_params(&gbm(&[("paths", Value::Number(7.0))])).unwrap();
        let fields = monte_carlo_fields(&p);
        let names: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "model",
                "kind",
                "spot",
                "strike",
                "expiry",
                "rate",
                "dividend",
                "vol",
                "paths",
                "steps",
                "seed",
                "antithetic",
                "greeks",
                "payoff"
            ]
        );
        let again = monte_carlo_params(&Fields(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ))
        .unwrap();
        assert_eq!(p, again);
        assert_eq!(p.paths(), 8);
    }

    #[test]
    fn validate_checks_as_the_function_does() {
        let n = |x: f64| Value::Number(x);
        let call = Value::Str("call".into());
        let ok = [
            call.clone(),
            n(100.0),
            n(95.0),
            n(1.0),
            n(0.0),
            n(0.0),
            n(0.2),
        ];
        assert_eq!(
            validate("black_scholes", &ok, &|i| js_type(&ok[i])).unwrap(),
            ok.to_vec()
        );
        let bad = [
            call.clone(),
            n(100.0),
            n(-1.0),
            n(1.0),
            n(0.0),
            n(0.0),
            n(0.2),
        ];
        assert_eq!(
            validate("greeks", &bad, &|i| js_type(&ok[i]))
                .unwrap_err()
                .to_string(),
            "strike must be > 0 (got -1)"
        );
        let iv = [call, n(f64::NAN), n(100.0), n(95.0), n(1.0), n(0.0), n(0.0)];
        assert_eq!(
            validate("implied_vol", &iv, &|i| js_type(&ok[i]))
                .unwrap_err()
                .to_string(),
            "price must be a finite number"
        );
        assert!(validate("american", &ok, &|i| js_type(&ok[i])).is_err());
        assert!(validate("black_scholes", &ok[..3], &|i| js_type(&ok[i])).is_err());
        assert_eq!(status_code(13.0), Ok(13));
        assert!(status_code(2.5).is_err() && status_code(300.0).is_err());
        assert_eq!(threads(2.0), Ok(2));
        assert!(threads(0.0).is_err() && threads(1.5).is_err() && threads(1e9).is_err());
    }
}
