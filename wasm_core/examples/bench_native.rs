//! The `rust-native` engine of the benchmark suite (`benchmarks/run.py`): the same crate as the
//! wasm package, built natively in release mode, one thread. Not a test.
//!
//! `cargo run --release --example bench_native -- <dir> <repeats> <warmup>`
//!
//! `<dir>` holds the task, written by `benchmarks/workload.py`: `spec.txt` (`key=value` lines)
//! and one raw little-endian float64 file per input column (`<name>.f64`). Prints one line of
//! JSON, `{"times": [seconds per timed repeat], ...}`, and writes a batch task's output column to
//! `<dir>/out.f64`. Only the library call is timed; reading and writing files is not.

use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use wasm_core::batch::{self, BsColumns, Column, IvColumns, KindColumn};
use wasm_core::inputs::OptionKind;
use wasm_core::monte_carlo::{self, HestonParams, McOptions, McParams, Model};

type Spec = HashMap<String, String>;

fn read_spec(dir: &Path) -> Result<Spec, String> {
    let path = dir.join("spec.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect())
}

fn field<'a>(spec: &'a Spec, key: &str) -> Result<&'a str, String> {
    spec.get(key)
        .map(String::as_str)
        .ok_or_else(|| format!("spec.txt has no {key}"))
}

fn number(spec: &Spec, key: &str) -> Result<f64, String> {
    let s = field(spec, key)?;
    s.parse()
        .map_err(|_| format!("spec.txt: {key}={s} is not a number"))
}

fn read_column(dir: &Path, name: &str) -> Result<Vec<f64>, String> {
    let path = dir.join(format!("{name}.f64"));
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() % 8 != 0 {
        return Err(format!(
            "{}: length is not a multiple of 8 bytes",
            path.display()
        ));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
        .collect())
}

fn write_column(path: &Path, values: &[f64]) -> Result<(), String> {
    let bytes: Vec<u8> = values.iter().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs `f` `warmup` times untimed, then `repeats` times timed; the last result and the times.
fn time_calls<T>(repeats: usize, warmup: usize, mut f: impl FnMut() -> T) -> (Vec<f64>, T) {
    for _ in 0..warmup {
        black_box(f());
    }
    let mut times = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats {
        let start = Instant::now();
        let out = black_box(f());
        times.push(start.elapsed().as_secs_f64());
        last = Some(out);
    }
    // repeats >= 1 is checked by main.
    (times, last.unwrap_or_else(f))
}

fn json_times(times: &[f64]) -> String {
    let items: Vec<String> = times.iter().map(|t| format!("{t:e}")).collect();
    format!("[{}]", items.join(", "))
}

/// A batch task's output column, or its first failing row as an error.
fn batch_output(dir: &Path, result: (Vec<f64>, Vec<u8>)) -> Result<PathBuf, String> {
    let (values, status) = result;
    if let Some(row) = status.iter().position(|&s| s != 0) {
        return Err(format!("row {row} failed with status {}", status[row]));
    }
    let out = dir.join("out.f64");
    write_column(&out, &values)?;
    Ok(out)
}

fn bs_batch(dir: &Path, spec: &Spec, repeats: usize, warmup: usize) -> Result<String, String> {
    let kind = KindColumn::One(OptionKind::parse(field(spec, "kind")?).map_err(|e| e.to_string())?);
    let spot = read_column(dir, "spot")?;
    let strike = read_column(dir, "strike")?;
    let expiry = read_column(dir, "expiry")?;
    let vol = read_column(dir, "vol")?;
    let args = BsColumns {
        kind: &kind,
        spot: Column::Values(&spot),
        strike: Column::Values(&strike),
        expiry: Column::Values(&expiry),
        rate: Column::Scalar(number(spec, "rate")?),
        dividend: Column::Scalar(number(spec, "dividend")?),
        vol: Column::Values(&vol),
    };
    let (times, result) = time_calls(repeats, warmup, || batch::black_scholes_many(&args, 1));
    batch_output(dir, result.map_err(|e| e.to_string())?)?;
    Ok(format!("{{\"times\": {}}}", json_times(&times)))
}

fn iv_batch(dir: &Path, spec: &Spec, repeats: usize, warmup: usize) -> Result<String, String> {
    let kind = KindColumn::One(OptionKind::parse(field(spec, "kind")?).map_err(|e| e.to_string())?);
    let price = read_column(dir, "price")?;
    let spot = read_column(dir, "spot")?;
    let strike = read_column(dir, "strike")?;
    let expiry = read_column(dir, "expiry")?;
    let args = IvColumns {
        kind: &kind,
        price: Column::Values(&price),
        spot: Column::Values(&spot),
        strike: Column::Values(&strike),
        expiry: Column::Values(&expiry),
        rate: Column::Scalar(number(spec, "rate")?),
        dividend: Column::Scalar(number(spec, "dividend")?),
    };
    let (times, result) = time_calls(repeats, warmup, || batch::implied_vol_many(&args, 1));
    batch_output(dir, result.map_err(|e| e.to_string())?)?;
    Ok(format!("{{\"times\": {}}}", json_times(&times)))
}

/// `monte_carlo::run` on the spec's Heston contract (antithetic and seed as the spec says).
fn heston(spec: &Spec, repeats: usize, warmup: usize) -> Result<String, String> {
    if field(spec, "model")? != "heston" {
        return Err("spec.txt: model must be heston".into());
    }
    let model = Model::Heston(HestonParams {
        v0: number(spec, "v0")?,
        kappa: number(spec, "kappa")?,
        theta: number(spec, "theta")?,
        xi: number(spec, "xi")?,
        rho: number(spec, "rho")?,
    });
    let options = McOptions {
        paths: Some(number(spec, "paths")?),
        steps: Some(number(spec, "steps")?),
        seed: Some(number(spec, "seed")?),
        antithetic: field(spec, "antithetic")? == "true",
        greeks: false,
        ..McOptions::default()
    };
    let params = McParams::new(
        OptionKind::parse(field(spec, "kind")?).map_err(|e| e.to_string())?,
        number(spec, "spot")?,
        number(spec, "strike")?,
        number(spec, "expiry")?,
        number(spec, "rate")?,
        number(spec, "dividend")?,
        model,
        options,
    )
    .map_err(|e| e.to_string())?;
    let (times, result) = time_calls(repeats, warmup, || monte_carlo::run(&params));
    let r = result.map_err(|e| e.to_string())?;
    Ok(format!(
        "{{\"times\": {}, \"price\": {:e}, \"std_error\": {:e}, \"paths\": {}, \"steps\": {}, \
         \"control_variate\": {}, \"price_without_control\": {:e}, \
         \"std_error_without_control\": {:e}}}",
        json_times(&times),
        r.price,
        r.std_error,
        r.paths,
        r.steps,
        r.control_variate,
        r.price_without_control,
        r.std_error_without_control
    ))
}

fn run(args: &[String]) -> Result<String, String> {
    let [dir, repeats, warmup] = args else {
        return Err("usage: bench_native <dir> <repeats> <warmup>".into());
    };
    let dir = Path::new(dir);
    let repeats: usize = repeats
        .parse()
        .map_err(|_| format!("repeats={repeats}: not an integer"))?;
    let warmup: usize = warmup
        .parse()
        .map_err(|_| format!("warmup={warmup}: not an integer"))?;
    if repeats == 0 {
        return Err("repeats must be >= 1".into());
    }
    let spec = read_spec(dir)?;
    match field(&spec, "task")? {
        "heston" => heston(&spec, repeats, warmup),
        "bs_batch" => bs_batch(dir, &spec, repeats, warmup),
        "iv_batch" => iv_batch(dir, &spec, repeats, warmup),
        other => Err(format!("unknown task {other}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench_native: {e}");
            ExitCode::FAILURE
        }
    }
}
