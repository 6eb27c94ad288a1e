//! Every PyO3 export of the CPython extension `pricinglab._native`, and nothing else: Python
//! objects -> the engine's arguments, results -> Python objects, errors -> pricinglab's
//! exceptions, the GIL released while the engine works. No maths and no rules here: those are
//! the crate's (`args.rs`, `inputs.rs`, `monte_carlo/params.rs`), exactly as for JavaScript in
//! `bindings.rs`, so both frontends raise the same messages.
//!
//! Same names and argument order as the JavaScript exports. Batch columns are read without a
//! copy when they are C-contiguous float64 NumPy arrays; results are NumPy arrays (float64,
//! and uint8 for `status`) when NumPy is installed, lists when it is not. The batch functions
//! and `monte_carlo` take `threads` (default: every core); the answer does not depend on it.

use numpy::{
    IntoPyArray, PyArray1, PyArrayDescrMethods, PyArrayMethods, PyReadonlyArray1, PyUntypedArray,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use crate::american::{self as american_math, Accuracy, AmericanGreeks};
use crate::args::{self, Record, Value};
use crate::batch::{self, BsColumns, Column, IvColumns, KindColumn};
use crate::errors::{PricingError, STATUS_MESSAGES};
use crate::greeks::{self as greeks_math, Greeks};
use crate::inputs::{Inputs, OptionKind};
use crate::monte_carlo::{self as mc, BlockSums, HestonParams, McParams, McResult, BLOCK_SAMPLES};
use crate::rough_heston::{self as rough_math, RoughParams};
use crate::{
    black_scholes as bs_math, calibration, heston as heston_math, implied_vol as iv_math, parallel,
    parity, ssvi, svi,
};

// ---------------------------------------------------------------------------------------------
// Errors: pricinglab's own exception classes (pricinglab/_errors.py), so the native engine and
// the pure-Python reference raise the same types.

static PRICING_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static PRICING_TYPE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The engine's error as `pricinglab.PricingError` (a `ValueError`), or `PricingTypeError`
/// (also a `TypeError`) for a wrong type; `status` is the batch status code of the rule.
fn py_err(py: Python<'_>, e: PricingError) -> PyErr {
    let cell = if e.is_type_error() {
        &PRICING_TYPE_ERROR
    } else {
        &PRICING_ERROR
    };
    let name = if e.is_type_error() {
        "PricingTypeError"
    } else {
        "PricingError"
    };
    match cell.import(py, "pricinglab._errors", name) {
        Ok(cls) => PyErr::from_type(cls.clone(), (e.to_string(), e.status_code())),
        Err(import_error) => import_error,
    }
}

/// `Result<T, PricingError>` -> `PyResult<T>`.
trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, PricingError> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| py_err(py, e))
    }
}

// ---------------------------------------------------------------------------------------------
// Argument conversion: Python objects -> args::Value and columns; every rule after that is the
// crate's.

/// Python's name for the type of `obj` (`str`, `NoneType`, `list` ...).
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".into(), |n| n.to_string())
}

static NUMBERS_REAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Whether `obj` is a real number other than a bool: `float`, `int`, and whatever registers
/// with `numbers.Real` (NumPy scalars, `Fraction` ...). `None` for a non-number.
fn as_number(obj: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Some(f.value())); // float and its subclasses (numpy.float64): the fast path
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(None);
    }
    if obj.is_instance_of::<PyInt>() {
        return match obj.extract::<f64>() {
            Ok(x) => Ok(Some(x)),
            // An int beyond the double range is not a finite number; the rules say so.
            Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => {
                let positive = obj.gt(0)?;
                Ok(Some(if positive {
                    f64::INFINITY
                } else {
                    f64::NEG_INFINITY
                }))
            }
            Err(e) => Err(e),
        };
    }
    let py = obj.py();
    let real = NUMBERS_REAL.import(py, "numbers", "Real")?;
    if obj.is_instance(real)? {
        return Ok(Some(obj.call_method0("__float__")?.extract::<f64>()?));
    }
    Ok(None)
}

/// The engine's classification of a Python object.
fn value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Some(x) = as_number(obj)? {
        return Ok(Value::Number(x));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::Str(s.to_str()?.to_owned()));
    }
    Ok(Value::Other)
}

fn number(param: &str, obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    match as_number(obj)? {
        Some(x) => Ok(x),
        None => Err(py_err(
            obj.py(),
            PricingError::wrong_type(param, args::A_NUMBER, type_name(obj)),
        )),
    }
}

fn kind(obj: &Bound<'_, PyAny>) -> PyResult<OptionKind> {
    args::kind(&value(obj)?, || type_name(obj)).or_raise(obj.py())
}

/// NumPy, when it is installed (looked up once): results are then arrays, else lists.
static NUMPY: PyOnceLock<Option<Py<PyModule>>> = PyOnceLock::new();

fn numpy(py: Python<'_>) -> Option<&Bound<'_, PyModule>> {
    NUMPY
        .get_or_init(py, || py.import("numpy").ok().map(Bound::unbind))
        .as_ref()
        .map(|m| m.bind(py))
}

/// A numeric batch column as the engine reads it.
enum ColumnBuf<'py> {
    Scalar(f64),
    /// A C-contiguous float64 array, read in place.
    Array(PyReadonlyArray1<'py, f64>),
    Values(Vec<f64>),
}

impl ColumnBuf<'_> {
    fn view(&self) -> Column<'_> {
        match self {
            ColumnBuf::Scalar(x) => Column::Scalar(*x),
            // Only arrays whose slice view exists are kept as `Array` (see `array_column`).
            ColumnBuf::Array(a) => Column::Values(a.as_slice().unwrap_or_default()),
            ColumnBuf::Values(v) => Column::Values(v),
        }
    }
}

/// What a batch column must be.
const COLUMN_TYPES: &str = "a number or a sequence of numbers";

fn wrong_column(param: &str, obj: &Bound<'_, PyAny>) -> PyErr {
    py_err(
        obj.py(),
        PricingError::wrong_type(param, COLUMN_TYPES, type_name(obj)),
    )
}

fn invalid(py: Python<'_>, param: &str, rule: String) -> PyErr {
    py_err(
        py,
        PricingError::Invalid {
            param: param.into(),
            rule,
        },
    )
}

/// A NumPy array as a column: float64 and C-contiguous in place; other real dtypes converted
/// once (`ascontiguousarray`); object arrays element by element; 0-d arrays as scalars.
fn array_column<'py>(param: &str, arr: &Bound<'py, PyUntypedArray>) -> PyResult<ColumnBuf<'py>> {
    let py = arr.py();
    let dtype_kind = arr.dtype().kind();
    if dtype_kind == b'b' {
        return Err(py_err(
            py,
            PricingError::wrong_type(param, "an array of numbers", "an array of bool"),
        ));
    }
    if dtype_kind == b'O' {
        return sequence_column(param, arr.as_any());
    }
    if !matches!(dtype_kind, b'f' | b'i' | b'u') {
        let dtype = arr
            .dtype()
            .str()
            .map_or_else(|_| "?".into(), |s| s.to_string());
        return Err(py_err(
            py,
            PricingError::wrong_type(param, "an array of numbers", format!("dtype {dtype}")),
        ));
    }
    match arr.ndim() {
        0 => return Ok(ColumnBuf::Scalar(arr.call_method0("item")?.extract()?)),
        1 => {}
        d => {
            return Err(invalid(
                py,
                param,
                format!("must be one-dimensional (got {d} dimensions)"),
            ))
        }
    }
    // In place when the array is float64, C-contiguous and aligned (a buffer unpickled by
    // Dask may be unaligned); otherwise NumPy makes one aligned contiguous float64 copy.
    if let Ok(a) = arr.cast::<PyArray1<f64>>() {
        let view = a.readonly();
        if view.as_slice().is_ok() {
            return Ok(ColumnBuf::Array(view));
        }
    }
    let np = numpy(py).ok_or_else(|| wrong_column(param, arr.as_any()))?;
    let copy = np
        .call_method1("require", (arr, np.getattr("float64")?, "CA"))?
        .cast_into::<PyArray1<f64>>()?;
    let view = copy.readonly();
    match view.as_slice() {
        Ok(_) => Ok(ColumnBuf::Array(view)),
        // numpy.require promises an aligned contiguous array; never seen otherwise.
        Err(_) => Err(invalid(
            py,
            param,
            "could not be read as an aligned float64 array".into(),
        )),
    }
}

/// A list, tuple or other sequence of numbers, element by element.
fn sequence_column<'py>(param: &str, obj: &Bound<'py, PyAny>) -> PyResult<ColumnBuf<'py>> {
    let mut values = Vec::with_capacity(obj.len().unwrap_or(0));
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        match as_number(&item)? {
            Some(x) => values.push(x),
            None => {
                return Err(py_err(
                    obj.py(),
                    PricingError::wrong_type(
                        format!("{param}[{i}]"),
                        args::A_NUMBER,
                        type_name(&item),
                    ),
                ))
            }
        }
    }
    Ok(ColumnBuf::Values(values))
}

/// An argument that must be an array (a number is refused, not broadcast).
fn array_values(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let buf = column(name, obj)?;
    match buf.view() {
        Column::Values(v) => Ok(v.to_vec()),
        Column::Scalar(_) => Err(wrong_column(name, obj)),
    }
}

fn column<'py>(param: &str, obj: &Bound<'py, PyAny>) -> PyResult<ColumnBuf<'py>> {
    if let Some(x) = as_number(obj)? {
        return Ok(ColumnBuf::Scalar(x));
    }
    // NumPy's type checks need NumPy's C API: only where NumPy is installed.
    if numpy(obj.py()).is_some() {
        if let Ok(arr) = obj.cast::<PyUntypedArray>() {
            return array_column(param, arr);
        }
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return sequence_column(param, obj);
    }
    if obj.is_instance_of::<PyString>() || obj.is_none() || obj.is_instance_of::<PyBool>() {
        return Err(wrong_column(param, obj));
    }
    // array('d'), memoryview and other buffers: through NumPy (no copy) when it is installed.
    let py = obj.py();
    if let Some(np) = numpy(py) {
        let memoryview = py.import("builtins")?.getattr("memoryview")?;
        if memoryview.call1((obj,)).is_ok() {
            let arr = np.call_method1("asarray", (obj,))?;
            if let Ok(arr) = arr.cast::<PyUntypedArray>() {
                return array_column(param, arr);
            }
        }
    }
    if obj.hasattr("__len__")? && obj.hasattr("__getitem__")? && !obj.is_instance_of::<PyDict>() {
        return sequence_column(param, obj);
    }
    Err(wrong_column(param, obj))
}

fn kind_column(obj: &Bound<'_, PyAny>) -> PyResult<KindColumn> {
    if obj.is_instance_of::<PyString>() {
        return kind(obj).map(KindColumn::One);
    }
    let iterable = obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
        || (numpy(obj.py()).is_some() && obj.cast::<PyUntypedArray>().is_ok());
    if !iterable {
        return Err(py_err(
            obj.py(),
            PricingError::wrong_type("kind", args::KIND_COLUMN_RULE, type_name(obj)),
        ));
    }
    let mut rows = Vec::with_capacity(obj.len().unwrap_or(0));
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        // NumPy string arrays yield numpy.str_, a str subclass.
        match item.cast::<PyString>() {
            Ok(s) => rows.push(OptionKind::parse(s.to_str()?)),
            Err(_) => {
                return Err(py_err(
                    obj.py(),
                    PricingError::wrong_type(
                        format!("kind[{i}]"),
                        args::A_STRING,
                        type_name(&item),
                    ),
                ))
            }
        }
    }
    Ok(KindColumn::PerRow(rows))
}

/// `threads`: `None` for every core, else an integer in [1, 1024].
fn threads(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<usize> {
    match obj {
        None => Ok(parallel::available_threads()),
        Some(o) if o.is_none() => Ok(parallel::available_threads()),
        Some(o) => args::threads(number("threads", o)?).or_raise(py),
    }
}

/// A float64 result column: a NumPy array (no copy of the engine's buffer) or a list.
fn float_column(py: Python<'_>, values: Vec<f64>) -> PyResult<Bound<'_, PyAny>> {
    if numpy(py).is_some() {
        Ok(values.into_pyarray(py).into_any())
    } else {
        Ok(PyList::new(py, values)?.into_any())
    }
}

/// The status column: uint8 NumPy array or a list of ints.
fn status_column(py: Python<'_>, status: Vec<u8>) -> PyResult<Bound<'_, PyAny>> {
    if numpy(py).is_some() {
        Ok(status.into_pyarray(py).into_any())
    } else {
        Ok(PyList::new(py, status)?.into_any())
    }
}

// ---------------------------------------------------------------------------------------------
// Scalar functions

#[allow(clippy::too_many_arguments)]
fn inputs(
    py: Python<'_>,
    kind_o: &Bound<'_, PyAny>,
    spot: &Bound<'_, PyAny>,
    strike: &Bound<'_, PyAny>,
    expiry: &Bound<'_, PyAny>,
    rate: &Bound<'_, PyAny>,
    dividend: &Bound<'_, PyAny>,
    vol: &Bound<'_, PyAny>,
) -> PyResult<Inputs> {
    Inputs::new(
        kind(kind_o)?,
        number("spot", spot)?,
        number("strike", strike)?,
        number("expiry", expiry)?,
        number("rate", rate)?,
        number("dividend", dividend)?,
        number("vol", vol)?,
    )
    .or_raise(py)
}

/// Black-Scholes-Merton price of a European option (see `pricinglab.black_scholes`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn black_scholes(
    py: Python<'_>,
    kind: &Bound<'_, PyAny>,
    spot: &Bound<'_, PyAny>,
    strike: &Bound<'_, PyAny>,
    expiry: &Bound<'_, PyAny>,
    rate: &Bound<'_, PyAny>,
    dividend: &Bound<'_, PyAny>,
    vol: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let i = inputs(py, kind, spot, strike, expiry, rate, dividend, vol)?;
    Ok(bs_math::price(&i))
}

/// European price under Heston's model, semi-analytically (see `pricinglab.heston_price`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn heston_price(
    py: Python<'_>,
    kind: &Bound<'_, PyAny>,
    spot: &Bound<'_, PyAny>,
    strike: &Bound<'_, PyAny>,
    expiry: &Bound<'_, PyAny>,
    rate: &Bound<'_, PyAny>,
    dividend: &Bound<'_, PyAny>,
    v0: &Bound<'_, PyAny>,
    kappa: &Bound<'_, PyAny>,
    theta: &Bound<'_, PyAny>,
    xi: &Bound<'_, PyAny>,
    rho: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let k = self::kind(kind)?;
    let x = [spot, strike, expiry, rate, dividend];
    let names = ["spot", "strike", "expiry", "rate", "dividend"];
    let mut m = [0.0; 5];
    for i in 0..5 {
        m[i] = number(names[i], x[i])?;
    }
    let model = HestonParams {
        v0: number("v0", v0)?,
        kappa: number("kappa", kappa)?,
        theta: number("theta", theta)?,
        xi: number("xi", xi)?,
        rho: number("rho", rho)?,
    };
    py.detach(|| heston_math::price(k, m[0], m[1], m[2], m[3], m[4], model))
        .or_raise(py)
}

/// European price under rough Heston (see `pricinglab.rough_heston_price`).
#[pyfunction]
#[pyo3(signature = (kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho, hurst, steps=None))]
#[allow(clippy::too_many_arguments)]
fn rough_heston_price(
    py: Python<'_>,
    kind: &Bound<'_, PyAny>,
    spot: &Bound<'_, PyAny>,
    strike: &Bound<'_, PyAny>,
    expiry: &Bound<'_, PyAny>,
    rate: &Bound<'_, PyAny>,
    dividend: &Bound<'_, PyAny>,
    v0: &Bound<'_, PyAny>,
    kappa: &Bound<'_, PyAny>,
    theta: &Bound<'_, PyAny>,
    xi: &Bound<'_, PyAny>,
    rho: &Bound<'_, PyAny>,
    hurst: &Bound<'_, PyAny>,
    steps: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    let k = self::kind(kind)?;
    let x = [spot, strike, expiry, rate, dividend];
    let names = ["spot", "strike", "expiry", "rate", "dividend"];
    let mut m = [0.0; 5];
    for i in 0..5 {
        m[i] = number(names[i], x[i])?;
    }
    let model = RoughParams {
        heston: HestonParams {
            v0: number("v0", v0)?,
            kappa: number("kappa", kappa)?,
            theta: number("theta", theta)?,
            xi: number("xi", xi)?,
            rho: number("rho", rho)?,
        },
        hurst: number("hurst", hurst)?,
    };
    let steps = match steps.filter(|s| !s.is_none()) {
        None => rough_math::DEFAULT_STEPS,
        Some(s) => rough_math::steps_from(number("steps", s)?).or_raise(py)?,
    };
    py.detach(|| rough_math::price(k, m[0], m[1], m[2], m[3], m[4], model, steps))
        .or_raise(py)
}

/// A calibration request's spot, quotes, `initial` values (in `initial_fields` order) and
/// `steps` (None where absent): `calibrate_heston`'s and `calibrate_rough_heston`'s reading.
#[allow(clippy::type_complexity)]
fn calibration_request(
    py: Python<'_>,
    params: &Bound<'_, PyAny>,
    fields: &[&str],
    initial_fields: &[&str],
) -> PyResult<(f64, Vec<calibration::Quote>, Option<Vec<f64>>, Option<f64>)> {
    let dict = params.cast::<PyDict>().map_err(|_| {
        py_err(
            py,
            PricingError::wrong_type("params", args::AN_OBJECT, type_name(params)),
        )
    })?;
    let keys = DictRecord(dict).keys();
    calibration::check_fields(&keys, fields, &calibration::REQUIRED, "params").or_raise(py)?;
    let field = |k: &str| dict.get_item(k).ok().flatten();
    let required = |k: &str| field(k).ok_or_else(|| invalid(py, k, "is required".into()));
    let spot = number("spot", &required("spot")?)?;
    let (rate_obj, dividend_obj) = (required("rate")?, required("dividend")?);
    let rate = column("rate", &rate_obj)?;
    let dividend = column("dividend", &dividend_obj)?;
    let kinds = kind_column(&required("kind")?)?;
    let (strike_obj, expiry_obj, price_obj) =
        (required("strike")?, required("expiry")?, required("price")?);
    let strike = column("strike", &strike_obj)?;
    let expiry = column("expiry", &expiry_obj)?;
    let price = column("price", &price_obj)?;
    let weight_obj = field("weight").filter(|w| !w.is_none());
    let weight = weight_obj
        .as_ref()
        .map(|w| column("weight", w))
        .transpose()?;
    let initial = match field("initial").filter(|v| !v.is_none()) {
        None => None,
        Some(obj) => {
            let d = obj.cast::<PyDict>().map_err(|_| {
                py_err(
                    py,
                    PricingError::wrong_type("initial", args::AN_OBJECT, type_name(&obj)),
                )
            })?;
            let keys = DictRecord(d).keys();
            calibration::check_fields(&keys, initial_fields, initial_fields, "initial")
                .or_raise(py)?;
            let mut values = Vec::with_capacity(initial_fields.len());
            for k in initial_fields {
                values.push(number(
                    k,
                    &d.get_item(k)?
                        .ok_or_else(|| invalid(py, k, "is required".into()))?,
                )?);
            }
            Some(values)
        }
    };
    let steps = field("steps")
        .filter(|v| !v.is_none())
        .map(|v| number("steps", &v))
        .transpose()?;
    let quotes = calibration::quotes_from_columns(
        rate.view(),
        dividend.view(),
        &kinds,
        strike.view(),
        expiry.view(),
        price.view(),
        weight.as_ref().map(ColumnBuf::view),
    )
    .or_raise(py)?;
    Ok((spot, quotes, initial, steps))
}

/// Heston's five parameters from values in `INITIAL_FIELDS`' order.
fn heston_of(v: &[f64]) -> HestonParams {
    HestonParams {
        v0: v[0],
        kappa: v[1],
        theta: v[2],
        xi: v[3],
        rho: v[4],
    }
}

/// Fits Heston's parameters to option quotes (see `pricinglab.calibrate_heston`).
#[pyfunction]
fn calibrate_heston<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let (spot, quotes, initial, _) = calibration_request(
        py,
        params,
        &calibration::FIELDS,
        &calibration::INITIAL_FIELDS,
    )?;
    let initial = initial.as_deref().map(heston_of);
    let fit = py
        .detach(|| calibration::calibrate(spot, &quotes, initial))
        .or_raise(py)?;
    let out = PyDict::new(py);
    let m = fit.model;
    for (k, v) in [
        ("v0", m.v0),
        ("kappa", m.kappa),
        ("theta", m.theta),
        ("xi", m.xi),
        ("rho", m.rho),
    ] {
        out.set_item(k, v)?;
    }
    out.set_item("rmse_vol", fit.rmse_vol)?;
    out.set_item("rmse_price", fit.rmse_price)?;
    out.set_item("iterations", fit.iterations)?;
    out.set_item("converged", fit.converged)?;
    out.set_item("feller", fit.feller)?;
    out.set_item("message", fit.message)?;
    out.set_item("model_price", float_column(py, fit.model_prices)?)?;
    Ok(out)
}

/// Fits rough Heston's six parameters to option quotes (see `pricinglab.calibrate_rough_heston`).
#[pyfunction]
fn calibrate_rough_heston<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let (spot, quotes, initial, steps) = calibration_request(
        py,
        params,
        &calibration::rough::FIELDS,
        &calibration::rough::INITIAL_FIELDS,
    )?;
    let initial = initial.map(|v| RoughParams {
        heston: heston_of(&v),
        hurst: v[5],
    });
    let steps = match steps {
        None => calibration::rough::CALIBRATION_STEPS,
        Some(s) => rough_math::steps_from(s).or_raise(py)?,
    };
    let fit = py
        .detach(|| calibration::rough::calibrate(spot, &quotes, initial, steps))
        .or_raise(py)?;
    let out = PyDict::new(py);
    let m = fit.model.heston;
    for (k, v) in [
        ("v0", m.v0),
        ("kappa", m.kappa),
        ("theta", m.theta),
        ("xi", m.xi),
        ("rho", m.rho),
        ("hurst", fit.model.hurst),
    ] {
        out.set_item(k, v)?;
    }
    out.set_item("rmse_vol", fit.rmse_vol)?;
    out.set_item("rmse_price", fit.rmse_price)?;
    out.set_item("iterations", fit.iterations)?;
    out.set_item("converged", fit.converged)?;
    out.set_item("feller", fit.feller)?;
    out.set_item("message", fit.message)?;
    out.set_item("steps", fit.steps)?;
    out.set_item("model_price", float_column(py, fit.model_prices)?)?;
    Ok(out)
}

/// Fits a raw SVI smile to one expiry's implied vols (see `pricinglab.fit_svi`).
#[pyfunction]
#[pyo3(signature = (strike, vol, expiry, forward, weight=None))]
fn fit_svi<'py>(
    py: Python<'py>,
    strike: &Bound<'py, PyAny>,
    vol: &Bound<'py, PyAny>,
    expiry: &Bound<'py, PyAny>,
    forward: &Bound<'py, PyAny>,
    weight: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let strike = array_values("strike", strike)?;
    let vol = array_values("vol", vol)?;
    let (expiry, forward) = (number("expiry", expiry)?, number("forward", forward)?);
    let weight = match weight.filter(|w| !w.is_none()) {
        Some(w) => array_values("weight", w)?,
        None => vec![1.0; strike.len()],
    };
    let fit = py
        .detach(|| svi::fit(&strike, &vol, &weight, expiry, forward))
        .or_raise(py)?;
    let out = PyDict::new(py);
    let p = fit.params;
    for (k, v) in [
        ("a", p.a),
        ("b", p.b),
        ("rho", p.rho),
        ("m", p.m),
        ("sigma", p.sigma),
    ] {
        out.set_item(k, v)?;
    }
    out.set_item("rmse_w", fit.rmse_w)?;
    out.set_item("rmse_vol", fit.rmse_vol)?;
    out.set_item("min_g", fit.min_g)?;
    out.set_item("butterfly_free", fit.min_g >= 0.0)?;
    Ok(out)
}

/// The forward and discount factor of one expiry by put-call parity (see
/// `pricinglab.parity_forward`).
#[pyfunction]
#[pyo3(signature = (strike, call, put, discount=None))]
fn parity_forward<'py>(
    py: Python<'py>,
    strike: &Bound<'py, PyAny>,
    call: &Bound<'py, PyAny>,
    put: &Bound<'py, PyAny>,
    discount: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let strike = array_values("strike", strike)?;
    let call = array_values("call", call)?;
    let put = array_values("put", put)?;
    let discount = match discount.filter(|d| !d.is_none()) {
        Some(d) => Some(number("discount", d)?),
        None => None,
    };
    let fit = parity::parity_forward(&strike, &call, &put, discount).or_raise(py)?;
    let out = PyDict::new(py);
    out.set_item("forward", fit.forward)?;
    out.set_item("discount", fit.discount)?;
    out.set_item("pairs", fit.pairs)?;
    out.set_item("used_pairs", fit.used_pairs)?;
    out.set_item("used", PyList::new(py, fit.used)?)?;
    Ok(out)
}

/// Fits an SSVI surface over several expiries (see `pricinglab.fit_ssvi`).
#[pyfunction]
fn fit_ssvi<'py>(
    py: Python<'py>,
    strike: &Bound<'py, PyAny>,
    vol: &Bound<'py, PyAny>,
    expiry: &Bound<'py, PyAny>,
    forward: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let cols = [
        column("strike", strike)?,
        column("vol", vol)?,
        column("expiry", expiry)?,
        column("forward", forward)?,
    ];
    let [k, v, t, f] = cols.each_ref().map(ColumnBuf::view);
    let fit = py.detach(|| ssvi::fit_columns(k, v, t, f)).or_raise(py)?;
    let out = PyDict::new(py);
    out.set_item("rho", fit.rho)?;
    out.set_item("eta", fit.eta)?;
    out.set_item("gamma", fit.gamma)?;
    out.set_item(
        "expiry",
        fit.theta.iter().map(|p| p.0).collect::<Vec<f64>>(),
    )?;
    out.set_item("theta", fit.theta.iter().map(|p| p.1).collect::<Vec<f64>>())?;
    out.set_item("rmse_vol", fit.rmse_vol)?;
    out.set_item("calendar_free", fit.calendar_free)?;
    out.set_item("butterfly_free", fit.butterfly_free)?;
    Ok(out)
}

fn greeks_dict<'py>(py: Python<'py>, g: &Greeks) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for (name, value) in Greeks::NAMES.iter().zip(g.to_array()) {
        out.set_item(name, value)?;
    }
    Ok(out)
}

/// The price and all Greeks as a dict (see `pricinglab.greeks`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn greeks<'py>(
    py: Python<'py>,
    kind: &Bound<'py, PyAny>,
    spot: &Bound<'py, PyAny>,
    strike: &Bound<'py, PyAny>,
    expiry: &Bound<'py, PyAny>,
    rate: &Bound<'py, PyAny>,
    dividend: &Bound<'py, PyAny>,
    vol: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let i = inputs(py, kind, spot, strike, expiry, rate, dividend, vol)?;
    greeks_dict(py, &greeks_math::try_greeks(&i).or_raise(py)?)
}

/// The Black-Scholes-Merton implied volatility of `price` (see `pricinglab.implied_vol`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn implied_vol(
    py: Python<'_>,
    kind: &Bound<'_, PyAny>,
    price: &Bound<'_, PyAny>,
    spot: &Bound<'_, PyAny>,
    strike: &Bound<'_, PyAny>,
    expiry: &Bound<'_, PyAny>,
    rate: &Bound<'_, PyAny>,
    dividend: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let k = self::kind(kind)?;
    iv_math::implied_vol(
        k,
        number("price", price)?,
        number("spot", spot)?,
        number("strike", strike)?,
        number("expiry", expiry)?,
        number("rate", rate)?,
        number("dividend", dividend)?,
    )
    .or_raise(py)
}

// ---------------------------------------------------------------------------------------------
// American options

/// `accuracy` as given: `None` is "accurate".
fn accuracy(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Accuracy> {
    match obj {
        None => Ok(Accuracy::Accurate),
        Some(o) if o.is_none() => Ok(Accuracy::Accurate),
        Some(o) => match value(o)? {
            Value::Str(s) => Accuracy::parse(&s).or_raise(py),
            _ => Err(py_err(
                py,
                PricingError::wrong_type("accuracy", american_math::ACCURACY_RULE, type_name(o)),
            )),
        },
    }
}

/// The American price (see `pricinglab.american`).
#[pyfunction]
#[pyo3(signature = (kind, spot, strike, expiry, rate, dividend, vol, accuracy=None))]
#[allow(clippy::too_many_arguments)]
fn american(
    py: Python<'_>,
    kind: &Bound<'_, PyAny>,
    spot: &Bound<'_, PyAny>,
    strike: &Bound<'_, PyAny>,
    expiry: &Bound<'_, PyAny>,
    rate: &Bound<'_, PyAny>,
    dividend: &Bound<'_, PyAny>,
    vol: &Bound<'_, PyAny>,
    accuracy: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    let i = inputs(py, kind, spot, strike, expiry, rate, dividend, vol)?;
    let a = self::accuracy(py, accuracy)?;
    py.detach(|| american_math::price(&i, a)).or_raise(py)
}

/// The American price and Greeks as a dict (see `pricinglab.american_greeks`).
#[pyfunction]
#[pyo3(signature = (kind, spot, strike, expiry, rate, dividend, vol, accuracy=None))]
#[allow(clippy::too_many_arguments)]
fn american_greeks<'py>(
    py: Python<'py>,
    kind: &Bound<'py, PyAny>,
    spot: &Bound<'py, PyAny>,
    strike: &Bound<'py, PyAny>,
    expiry: &Bound<'py, PyAny>,
    rate: &Bound<'py, PyAny>,
    dividend: &Bound<'py, PyAny>,
    vol: &Bound<'py, PyAny>,
    accuracy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let i = inputs(py, kind, spot, strike, expiry, rate, dividend, vol)?;
    let a = self::accuracy(py, accuracy)?;
    let g = py.detach(|| american_math::greeks(&i, a)).or_raise(py)?;
    let out = PyDict::new(py);
    for (name, value) in AmericanGreeks::NAMES.iter().zip(g.to_array()) {
        out.set_item(name, value)?;
    }
    Ok(out)
}

/// The exercise boundary `{"time": [...], "boundary": [...]}` (see `pricinglab.american_boundary`).
#[pyfunction]
#[pyo3(signature = (kind, spot, strike, expiry, rate, dividend, vol, accuracy=None))]
#[allow(clippy::too_many_arguments)]
fn american_boundary<'py>(
    py: Python<'py>,
    kind: &Bound<'py, PyAny>,
    spot: &Bound<'py, PyAny>,
    strike: &Bound<'py, PyAny>,
    expiry: &Bound<'py, PyAny>,
    rate: &Bound<'py, PyAny>,
    dividend: &Bound<'py, PyAny>,
    vol: &Bound<'py, PyAny>,
    accuracy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let i = inputs(py, kind, spot, strike, expiry, rate, dividend, vol)?;
    let a = self::accuracy(py, accuracy)?;
    let (time, boundary) = py.detach(|| american_math::boundary(&i, a)).or_raise(py)?;
    let out = PyDict::new(py);
    out.set_item("time", time)?;
    out.set_item("boundary", boundary)?;
    Ok(out)
}

/// The volatility at which the American price is `price` (see `pricinglab.american_implied_vol`).
#[pyfunction]
#[pyo3(signature = (kind, price, spot, strike, expiry, rate, dividend, accuracy=None))]
#[allow(clippy::too_many_arguments)]
fn american_implied_vol(
    py: Python<'_>,
    kind: &Bound<'_, PyAny>,
    price: &Bound<'_, PyAny>,
    spot: &Bound<'_, PyAny>,
    strike: &Bound<'_, PyAny>,
    expiry: &Bound<'_, PyAny>,
    rate: &Bound<'_, PyAny>,
    dividend: &Bound<'_, PyAny>,
    accuracy: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    let k = self::kind(kind)?;
    let x = [
        number("price", price)?,
        number("spot", spot)?,
        number("strike", strike)?,
        number("expiry", expiry)?,
        number("rate", rate)?,
        number("dividend", dividend)?,
    ];
    let a = self::accuracy(py, accuracy)?;
    py.detach(|| american_math::implied_vol(k, x[0], x[1], x[2], x[3], x[4], x[5], a))
        .or_raise(py)
}

/// American prices of many options: `{"price": float64[n], "status": uint8[n]}`.
#[pyfunction]
#[pyo3(signature = (kind, spot, strike, expiry, rate, dividend, vol, accuracy=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn american_many<'py>(
    py: Python<'py>,
    kind: &Bound<'py, PyAny>,
    spot: &Bound<'py, PyAny>,
    strike: &Bound<'py, PyAny>,
    expiry: &Bound<'py, PyAny>,
    rate: &Bound<'py, PyAny>,
    dividend: &Bound<'py, PyAny>,
    vol: &Bound<'py, PyAny>,
    accuracy: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let bufs = BsBufs::new([kind, spot, strike, expiry, rate, dividend, vol])?;
    let a = self::accuracy(py, accuracy)?;
    let threads = self::threads(py, threads)?;
    let view = bufs.view();
    let (price, status) = py
        .detach(|| batch::american_many(&view, a, threads))
        .or_raise(py)?;
    let out = PyDict::new(py);
    out.set_item("price", float_column(py, price)?)?;
    out.set_item("status", status_column(py, status)?)?;
    Ok(out)
}

/// The rule a batch row broke, from its status code (0 = "ok").
#[pyfunction]
fn status_message(py: Python<'_>, code: &Bound<'_, PyAny>) -> PyResult<&'static str> {
    let code = args::status_code(number("code", code)?).or_raise(py)?;
    Ok(STATUS_MESSAGES[usize::from(code)])
}

/// The engine's version (the crate version).
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

// ---------------------------------------------------------------------------------------------
// Batch functions

/// Reads the seven Black-Scholes arguments of a batch.
struct BsBufs<'py> {
    kind: KindColumn,
    cols: [ColumnBuf<'py>; 6],
}

impl<'py> BsBufs<'py> {
    fn new(args: [&Bound<'py, PyAny>; 7]) -> PyResult<Self> {
        let [k, s, strike, t, r, q, v] = args;
        Ok(BsBufs {
            kind: kind_column(k)?,
            cols: [
                column("spot", s)?,
                column("strike", strike)?,
                column("expiry", t)?,
                column("rate", r)?,
                column("dividend", q)?,
                column("vol", v)?,
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

/// Black-Scholes-Merton prices of many options: `{"price": float64[n], "status": uint8[n]}`.
#[pyfunction]
#[pyo3(signature = (kind, spot, strike, expiry, rate, dividend, vol, threads=None))]
#[allow(clippy::too_many_arguments)]
fn black_scholes_many<'py>(
    py: Python<'py>,
    kind: &Bound<'py, PyAny>,
    spot: &Bound<'py, PyAny>,
    strike: &Bound<'py, PyAny>,
    expiry: &Bound<'py, PyAny>,
    rate: &Bound<'py, PyAny>,
    dividend: &Bound<'py, PyAny>,
    vol: &Bound<'py, PyAny>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let bufs = BsBufs::new([kind, spot, strike, expiry, rate, dividend, vol])?;
    let threads = self::threads(py, threads)?;
    let view = bufs.view();
    let (price, status) = py
        .detach(|| batch::black_scholes_many(&view, threads))
        .or_raise(py)?;
    let out = PyDict::new(py);
    out.set_item("price", float_column(py, price)?)?;
    out.set_item("status", status_column(py, status)?)?;
    Ok(out)
}

/// The price and all Greeks of many options: one column per Greek, plus `status`.
#[pyfunction]
#[pyo3(signature = (kind, spot, strike, expiry, rate, dividend, vol, threads=None))]
#[allow(clippy::too_many_arguments)]
fn greeks_many<'py>(
    py: Python<'py>,
    kind: &Bound<'py, PyAny>,
    spot: &Bound<'py, PyAny>,
    strike: &Bound<'py, PyAny>,
    expiry: &Bound<'py, PyAny>,
    rate: &Bound<'py, PyAny>,
    dividend: &Bound<'py, PyAny>,
    vol: &Bound<'py, PyAny>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let bufs = BsBufs::new([kind, spot, strike, expiry, rate, dividend, vol])?;
    let threads = self::threads(py, threads)?;
    let view = bufs.view();
    let (columns, status) = py
        .detach(|| {
            batch::greeks_many(&view, threads)
                .map(|(rows, status)| (batch::greeks_columns(&rows), status))
        })
        .or_raise(py)?;
    let out = PyDict::new(py);
    for (name, column) in Greeks::NAMES.iter().zip(columns) {
        out.set_item(name, float_column(py, column)?)?;
    }
    out.set_item("status", status_column(py, status)?)?;
    Ok(out)
}

/// Implied volatilities of many prices: `{"vol": float64[n], "status": uint8[n]}`.
#[pyfunction]
#[pyo3(signature = (kind, price, spot, strike, expiry, rate, dividend, threads=None))]
#[allow(clippy::too_many_arguments)]
fn implied_vol_many<'py>(
    py: Python<'py>,
    kind: &Bound<'py, PyAny>,
    price: &Bound<'py, PyAny>,
    spot: &Bound<'py, PyAny>,
    strike: &Bound<'py, PyAny>,
    expiry: &Bound<'py, PyAny>,
    rate: &Bound<'py, PyAny>,
    dividend: &Bound<'py, PyAny>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let kind = kind_column(kind)?;
    let [p, s, k, t, r, q] = [
        column("price", price)?,
        column("spot", spot)?,
        column("strike", strike)?,
        column("expiry", expiry)?,
        column("rate", rate)?,
        column("dividend", dividend)?,
    ];
    let threads = self::threads(py, threads)?;
    let view = IvColumns {
        kind: &kind,
        price: p.view(),
        spot: s.view(),
        strike: k.view(),
        expiry: t.view(),
        rate: r.view(),
        dividend: q.view(),
    };
    let (vol, status) = py
        .detach(|| batch::implied_vol_many(&view, threads))
        .or_raise(py)?;
    let out = PyDict::new(py);
    out.set_item("vol", float_column(py, vol)?)?;
    out.set_item("status", status_column(py, status)?)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo

/// A dict as an [`args::Record`].
struct DictRecord<'a, 'py>(&'a Bound<'py, PyDict>);

impl Record for DictRecord<'_, '_> {
    fn keys(&self) -> Vec<String> {
        self.0
            .keys()
            .iter()
            .map(|k| k.str().map_or_else(|_| "?".into(), |s| s.to_string()))
            .collect()
    }

    fn get(&self, key: &str) -> Option<Value> {
        // A field whose value cannot even be classified reads as a wrong type (Other).
        let item = self.0.get_item(key).ok().flatten()?;
        Some(value(&item).unwrap_or(Value::Other))
    }

    fn type_name(&self, key: &str) -> String {
        self.0
            .get_item(key)
            .ok()
            .flatten()
            .map_or_else(|| "missing".into(), |v| type_name(&v))
    }
}

fn mc_params(params: &Bound<'_, PyAny>) -> PyResult<McParams> {
    let py = params.py();
    let dict = params.cast::<PyDict>().map_err(|_| {
        py_err(
            py,
            PricingError::wrong_type("params", args::AN_OBJECT, type_name(params)),
        )
    })?;
    args::monte_carlo_params(&DictRecord(dict)).or_raise(py)
}

fn mc_result_dict<'py>(
    py: Python<'py>,
    p: &McParams,
    r: &McResult,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("price", r.price)?;
    out.set_item("std_error", r.std_error)?;
    out.set_item("ci_low", r.ci_low)?;
    out.set_item("ci_high", r.ci_high)?;
    out.set_item("paths", r.paths)?;
    out.set_item("steps", r.steps)?;
    out.set_item("samples", r.samples)?;
    out.set_item("model", p.model().name())?;
    out.set_item("payoff", p.payoff().name().as_str())?;
    out.set_item("seed", p.seed())?;
    out.set_item("antithetic", p.antithetic())?;
    out.set_item("control_variate", r.control_variate)?;
    out.set_item("price_without_control", r.price_without_control)?;
    out.set_item("std_error_without_control", r.std_error_without_control)?;
    if let Some(g) = &r.greeks {
        out.set_item("delta", g.delta)?;
        out.set_item("delta_std_error", g.delta_std_error)?;
        out.set_item("gamma", g.gamma)?;
        out.set_item("gamma_std_error", g.gamma_std_error)?;
        out.set_item("vega", g.vega)?;
        out.set_item("vega_std_error", g.vega_std_error)?;
    }
    Ok(out)
}

/// Monte Carlo price of an option (see `pricinglab.monte_carlo`), on `threads` threads
/// (default every core): the same double for any thread count.
#[pyfunction]
#[pyo3(signature = (params, threads=None))]
fn monte_carlo<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let p = mc_params(params)?;
    let threads = self::threads(py, threads)?;
    let r = py.detach(|| mc::run_threads(&p, threads)).or_raise(py)?;
    mc_result_dict(py, &p, &r)
}

/// How a run splits into blocks (as the JavaScript export): `{blocks, block_len,
/// block_samples, paths, steps, samples}`.
#[pyfunction]
fn monte_carlo_plan<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let p = mc_params(params)?;
    let out = PyDict::new(py);
    out.set_item("blocks", mc::block_count(&p))?;
    out.set_item("block_len", BlockSums::LEN)?;
    out.set_item("block_samples", BLOCK_SAMPLES)?;
    out.set_item("paths", p.paths())?;
    out.set_item("steps", p.steps())?;
    out.set_item("samples", p.samples())?;
    Ok(out)
}

/// The moments of blocks `first .. first + count`, flattened (`block_len` numbers per block):
/// one machine's share of a run (see `pricinglab.dask`).
#[pyfunction]
fn monte_carlo_blocks<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    first: &Bound<'py, PyAny>,
    count: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let p = mc_params(params)?;
    let first = args::index("first", number("first", first)?).or_raise(py)?;
    let count = args::index("count", number("count", count)?).or_raise(py)?;
    let blocks = py
        .detach(|| mc::simulate_blocks(&p, first, count))
        .or_raise(py)?;
    let flat: Vec<f64> = blocks.iter().flat_map(|b| b.to_array()).collect();
    float_column(py, flat)
}

/// The result of a run from all its blocks' moments (any order): the same double as
/// `monte_carlo(params)`.
#[pyfunction]
fn monte_carlo_finish<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    blocks: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let p = mc_params(params)?;
    let flat = column("blocks", blocks)?;
    let values: &[f64] = match flat.view() {
        Column::Values(v) => v,
        Column::Scalar(_) => return Err(wrong_column("blocks", blocks)),
    };
    if !values.len().is_multiple_of(BlockSums::LEN) {
        return Err(invalid(
            py,
            "blocks",
            format!(
                "must hold {} numbers per block (got {} numbers)",
                BlockSums::LEN,
                values.len()
            ),
        ));
    }
    let sums = values
        .chunks_exact(BlockSums::LEN)
        .map(BlockSums::from_array)
        .collect::<Result<Vec<_>, _>>()
        .or_raise(py)?;
    let r = mc::finish(&p, &sums).or_raise(py)?;
    mc_result_dict(py, &p, &r)
}

// ---------------------------------------------------------------------------------------------
// Validation for the reference backend

fn py_value<'py>(py: Python<'py>, v: &Value, integer: bool) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Number(x) if integer => (*x as u64).into_pyobject(py)?.into_any(),
        Value::Number(x) => x.into_pyobject(py)?.into_any(),
        Value::Str(s) => s.into_pyobject(py)?.into_any(),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Other => py.None().into_bound(py),
    })
}

/// Checks the arguments of `function` exactly as calling it would, without computing it, and
/// returns them normalised (see the JavaScript `validate`): a list of the seven arguments for
/// `"black_scholes"`, `"greeks"`, `"implied_vol"`; for `"monte_carlo"` (`args = [params]`) the
/// params dict with every default filled in. The pure-Python reference shares the engine's rules
/// through it.
#[pyfunction]
fn validate<'py>(
    py: Python<'py>,
    function: &Bound<'py, PyAny>,
    args_o: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let function = function
        .cast::<PyString>()
        .map_err(|_| {
            py_err(
                py,
                PricingError::wrong_type("function", args::A_STRING, type_name(function)),
            )
        })?
        .to_str()?
        .to_owned();
    if !(args_o.is_instance_of::<PyList>() || args_o.is_instance_of::<PyTuple>()) {
        return Err(py_err(
            py,
            PricingError::wrong_type("args", "a list", type_name(args_o)),
        ));
    }
    let items: Vec<Bound<'py, PyAny>> = args_o.try_iter()?.collect::<PyResult<_>>()?;
    if function == "monte_carlo" {
        if items.len() != 1 {
            return Err(invalid(
                py,
                "args",
                format!("must hold the 1 argument params (got {})", items.len()),
            ));
        }
        let p = mc_params(&items[0])?;
        let out = PyDict::new(py);
        for (key, v) in args::monte_carlo_fields(&p) {
            let integer = matches!(key, "paths" | "steps" | "seed");
            out.set_item(key, py_value(py, &v, integer)?)?;
        }
        return Ok(out.into_any());
    }
    let values: Vec<Value> = items.iter().map(value).collect::<PyResult<_>>()?;
    let checked = args::validate(&function, &values, &|i| type_name(&items[i])).or_raise(py)?;
    let out = PyList::empty(py);
    for v in &checked {
        out.append(py_value(py, v, false)?)?;
    }
    Ok(out.into_any())
}

/// The API's fixed tables (as the JavaScript `api_tables()`): `{status_messages, greek_names,
/// mc_fields, messages}`, `messages` mapping each name to `{template, status}`.
#[pyfunction]
fn api_tables(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("status_messages", STATUS_MESSAGES.to_vec())?;
    out.set_item("greek_names", Greeks::NAMES[1..].to_vec())?;
    out.set_item("mc_fields", args::MC_FIELDS.to_vec())?;
    let messages = PyDict::new(py);
    for (name, template, status) in crate::errors::MESSAGES {
        let m = PyDict::new(py);
        m.set_item("template", template)?;
        m.set_item("status", status)?;
        messages.set_item(name, m)?;
    }
    out.set_item("messages", messages)?;
    Ok(out)
}

/// The number of cores the engine uses by default.
#[pyfunction]
fn available_threads() -> usize {
    parallel::available_threads()
}

/// The CPython extension module `pricinglab._native`.
#[pymodule]
#[pyo3(name = "_native")]
fn native_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(black_scholes, m)?)?;
    m.add_function(wrap_pyfunction!(greeks, m)?)?;
    m.add_function(wrap_pyfunction!(implied_vol, m)?)?;
    m.add_function(wrap_pyfunction!(heston_price, m)?)?;
    m.add_function(wrap_pyfunction!(american, m)?)?;
    m.add_function(wrap_pyfunction!(american_greeks, m)?)?;
    m.add_function(wrap_pyfunction!(american_boundary, m)?)?;
    m.add_function(wrap_pyfunction!(american_implied_vol, m)?)?;
    m.add_function(wrap_pyfunction!(american_many, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate_heston, m)?)?;
    m.add_function(wrap_pyfunction!(rough_heston_price, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate_rough_heston, m)?)?;
    m.add_function(wrap_pyfunction!(fit_svi, m)?)?;
    m.add_function(wrap_pyfunction!(parity_forward, m)?)?;
    m.add_function(wrap_pyfunction!(fit_ssvi, m)?)?;
    m.add_function(wrap_pyfunction!(black_scholes_many, m)?)?;
    m.add_function(wrap_pyfunction!(greeks_many, m)?)?;
    m.add_function(wrap_pyfunction!(implied_vol_many, m)?)?;
    m.add_function(wrap_pyfunction!(monte_carlo, m)?)?;
    m.add_function(wrap_pyfunction!(monte_carlo_plan, m)?)?;
    m.add_function(wrap_pyfunction!(monte_carlo_blocks, m)?)?;
    m.add_function(wrap_pyfunction!(monte_carlo_finish, m)?)?;
    m.add_function(wrap_pyfunction!(status_message, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(available_threads, m)?)?;
    m.add_function(wrap_pyfunction!(api_tables, m)?)?;
    Ok(())
}
