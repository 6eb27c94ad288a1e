//! Pricing Lab's engine: option pricing maths in plain Rust, exported to JavaScript through one
//! thin module (`bindings`, compiled for wasm32 only) and to CPython through another (`python`,
//! the `python` feature, built by maturin as `pricinglab._native`).
//!
//! Vocabulary used everywhere (Rust, JavaScript, Python):
//! `kind, spot, strike, expiry, rate, dividend, vol` (+ `v0, kappa, theta, xi, rho, hurst`,
//! `paths, steps, seed`).

pub mod american;
pub mod args;
pub mod batch;
pub mod black_scholes;
pub mod calibration;
pub mod complex;
pub mod errors;
pub mod fastmath;
pub mod greeks;
pub mod heston;
pub mod implied_vol;
pub mod inputs;
pub mod monte_carlo;
pub mod normal;
pub mod normalised_black;
pub mod parallel;
pub mod parity;
mod quadrature;
pub mod rough_heston;
pub mod ssvi;
pub mod svi;

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(all(feature = "python", not(target_arch = "wasm32")))]
mod python;
