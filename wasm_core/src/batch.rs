//! Batch evaluation with broadcasting: one call prices a whole column of contracts.
//!
//! Each numeric argument is a [`Column`]: one number broadcast to every row, or a slice with one
//! value per row; `kind` is a [`KindColumn`]. All slices must have the same length. A bad row does
//! not fail the batch: its outputs are NaN and its status is the error's
//! [`PricingError::status_code`] (0 = ok; see [`crate::errors::STATUS_MESSAGES`]).

use crate::american::{self, Accuracy};
use crate::black_scholes;
use crate::errors::PricingError;
use crate::greeks::{self, Greeks};
use crate::implied_vol;
use crate::inputs::{Inputs, OptionKind};
use crate::parallel;

/// One numeric argument of a batch call.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    /// The same value in every row.
    Scalar(f64),
    /// One value per row.
    Values(&'a [f64]),
}

impl Column<'_> {
    #[inline(always)]
    pub(crate) fn get(&self, row: usize) -> f64 {
        match self {
            Column::Scalar(x) => *x,
            Column::Values(v) => v[row],
        }
    }

    pub(crate) fn len(&self) -> Option<usize> {
        match self {
            Column::Scalar(_) => None,
            Column::Values(v) => Some(v.len()),
        }
    }
}

/// The `kind` argument of a batch call: one kind for all rows, or one per row. A row whose
/// kind did not parse carries the error, so it fails alone.
#[derive(Debug, Clone)]
pub enum KindColumn {
    One(OptionKind),
    PerRow(Vec<Result<OptionKind, PricingError>>),
}

impl KindColumn {
    pub(crate) fn get(&self, row: usize) -> Result<OptionKind, PricingError> {
        match self {
            KindColumn::One(k) => Ok(*k),
            KindColumn::PerRow(v) => v[row].clone(),
        }
    }

    fn len(&self) -> Option<usize> {
        match self {
            KindColumn::One(_) => None,
            KindColumn::PerRow(v) => Some(v.len()),
        }
    }
}

/// The batch length: the common length of every per-row argument, 1 when all are scalars.
///
/// # Errors
/// `Invalid` naming the first argument whose length differs from the first array's.
pub fn batch_len(
    kind: &KindColumn,
    columns: &[(&'static str, Column<'_>)],
) -> Result<usize, PricingError> {
    let mut first: Option<(&'static str, usize)> = kind.len().map(|n| ("kind", n));
    for (name, col) in columns {
        if let Some(n) = col.len() {
            match first {
                None => first = Some((name, n)),
                Some((first_name, m)) if m != n => {
                    return Err(PricingError::Invalid {
                        param: (*name).to_string(),
                        rule: format!(
                            "has length {n} but {first_name} has length {m}: \
                             all arrays of a batch must have the same length"
                        ),
                    })
                }
                Some(_) => {}
            }
        }
    }
    Ok(first.map_or(1, |(_, n)| n))
}

/// Row-wise status codes: 0 = ok, else the broken rule's code.
pub type Status = Vec<u8>;

/// The seven Black-Scholes-Merton arguments of a batch, in API order.
pub struct BsColumns<'a> {
    pub kind: &'a KindColumn,
    pub spot: Column<'a>,
    pub strike: Column<'a>,
    pub expiry: Column<'a>,
    pub rate: Column<'a>,
    pub dividend: Column<'a>,
    pub vol: Column<'a>,
}

impl BsColumns<'_> {
    fn len(&self) -> Result<usize, PricingError> {
        batch_len(
            self.kind,
            &[
                ("spot", self.spot),
                ("strike", self.strike),
                ("expiry", self.expiry),
                ("rate", self.rate),
                ("dividend", self.dividend),
                ("vol", self.vol),
            ],
        )
    }

    /// [`Self::inputs`] where [`Inputs::everyday`] answers (None: ask `inputs`).
    #[inline(always)]
    fn everyday_inputs(&self, row: usize) -> Option<Inputs> {
        let kind = match self.kind {
            KindColumn::One(k) => *k,
            KindColumn::PerRow(v) => *v[row].as_ref().ok()?,
        };
        Inputs::everyday(
            kind,
            self.spot.get(row),
            self.strike.get(row),
            self.expiry.get(row),
            self.rate.get(row),
            self.dividend.get(row),
            self.vol.get(row),
        )
    }

    fn inputs(&self, row: usize) -> Result<Inputs, PricingError> {
        Inputs::new(
            self.kind.get(row)?,
            self.spot.get(row),
            self.strike.get(row),
            self.expiry.get(row),
            self.rate.get(row),
            self.dividend.get(row),
            self.vol.get(row),
        )
    }
}

/// Rows per thread below which another thread does not pay for itself (a thread costs tens of
/// microseconds to start; a row of Black-Scholes about a tenth of one).
pub const MIN_ROWS_PER_THREAD: usize = 8192;

/// Runs `f` on every row (on up to `threads` threads), recording NaN-or-value and the status
/// code. Rows are independent, so the output is the same for any thread count.
fn map_rows<T: Copy + Send>(
    n: usize,
    threads: usize,
    min_rows: usize,
    nan: T,
    f: impl Fn(usize) -> Result<T, PricingError> + Sync,
) -> (Vec<T>, Status) {
    let mut values = vec![nan; n];
    let mut status = vec![0; n];
    parallel::for_chunks(
        &mut values,
        &mut status,
        threads,
        min_rows,
        |first, values, status| {
            for (i, (v, s)) in values.iter_mut().zip(status.iter_mut()).enumerate() {
                match f(first + i) {
                    Ok(x) => *v = x,
                    Err(e) => *s = e.status_code(),
                }
            }
        },
    );
    (values, status)
}

/// Black-Scholes-Merton prices of a batch, on up to `threads` threads.
///
/// # Errors
/// Only for mismatched argument lengths; bad rows are reported in the status column.
pub fn black_scholes_many(
    args: &BsColumns<'_>,
    threads: usize,
) -> Result<(Vec<f64>, Status), PricingError> {
    let n = args.len()?;
    let mut values = vec![f64::NAN; n];
    let mut status = vec![0; n];
    parallel::for_chunks(
        &mut values,
        &mut status,
        threads,
        MIN_ROWS_PER_THREAD,
        |first, values, status| price_chunk(args, first, values, status),
    );
    Ok((values, status))
}

/// Rows the SIMD fast path evaluates together (`black_scholes/fast/lanes.rs`): 16, so that each
/// operation has four AVX2 registers (eight wasm f64x2) of independent work to hide its
/// latency. Measured natively (AVX2), the block's first form: 16 and 32 lanes 30 ns a row,
/// 4 and 8 lanes 55-60; in node, 16 lanes 154-158 ns per batch row against 171-176 for one.
const LANES: usize = 16;

/// [`price_rows`] with AVX2 where the CPU has it (x86-64 only; the same bits either way: the
/// kernel is the same IEEE operations in the same order, and no FMA).
fn price_chunk(args: &BsColumns<'_>, first: usize, values: &mut [f64], status: &mut [u8]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked on the line above.
        return unsafe { price_rows_avx2(args, first, values, status) };
    }
    price_rows(args, first, values, status);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn price_rows_avx2(
    args: &BsColumns<'_>,
    first: usize,
    values: &mut [f64],
    status: &mut [u8],
) {
    price_rows(args, first, values, status);
}

/// Prices `values.len()` rows from row `first`: [`LANES`] at a time through the SIMD first form
/// of the fast path, the lanes it does not decide (and a last partial block) through
/// [`black_scholes::batch_price`] row by row.
#[inline(always)]
fn price_rows(args: &BsColumns<'_>, first: usize, values: &mut [f64], status: &mut [u8]) {
    // Stands in for a bad row in a block (its lane's answer is discarded).
    const FILLER: Inputs = Inputs {
        kind: OptionKind::Call,
        spot: 1.0,
        strike: 1.0,
        expiry: 1.0,
        rate: 0.0,
        dividend: 0.0,
        vol: 0.2,
    };
    let mut blocks = values
        .chunks_exact_mut(LANES)
        .zip(status.chunks_exact_mut(LANES));
    let mut row = first;
    for (values, status) in &mut blocks {
        let mut rows = [FILLER; LANES];
        let mut valid = [false; LANES];
        for lane in 0..LANES {
            let checked = args
                .everyday_inputs(row + lane)
                .ok_or(())
                .or_else(|()| args.inputs(row + lane));
            match checked {
                Ok(inputs) => (rows[lane], valid[lane]) = (inputs, true),
                Err(e) => status[lane] = e.status_code(),
            }
        }
        let forms = black_scholes::fast::lanes::first_forms(&rows);
        for lane in 0..LANES {
            if valid[lane] {
                values[lane] = black_scholes::batch_price_of(&forms, lane, &rows[lane]);
            }
        }
        row += LANES;
    }
    let rest = values.len() % LANES;
    let tail = values.len() - rest;
    for i in tail..values.len() {
        match args.inputs(first + i) {
            Ok(inputs) => values[i] = black_scholes::batch_price(&inputs),
            Err(e) => status[i] = e.status_code(),
        }
    }
}

/// All Greeks of a batch, one `Greeks` per row (NaN in every field for a bad row).
///
/// # Errors
/// Only for mismatched argument lengths.
pub fn greeks_many(
    args: &BsColumns<'_>,
    threads: usize,
) -> Result<(Vec<Greeks>, Status), PricingError> {
    let n = args.len()?;
    let nan = Greeks::splat(f64::NAN);
    Ok(map_rows(n, threads, MIN_ROWS_PER_THREAD, nan, |row| {
        args.inputs(row).map(|i| greeks::batch_greeks(&i))
    }))
}

/// Rows per thread for American prices (a row costs about a millisecond).
const MIN_AMERICAN_ROWS_PER_THREAD: usize = 4;

/// American prices of a batch ([`american::price`]), on up to `threads` threads.
///
/// # Errors
/// Only for mismatched argument lengths.
pub fn american_many(
    args: &BsColumns<'_>,
    accuracy: Accuracy,
    threads: usize,
) -> Result<(Vec<f64>, Status), PricingError> {
    let n = args.len()?;
    Ok(map_rows(
        n,
        threads,
        MIN_AMERICAN_ROWS_PER_THREAD,
        f64::NAN,
        |row| american::price(&args.inputs(row)?, accuracy),
    ))
}

/// Rows of Greeks as one column per field, in [`Greeks::NAMES`] order (the frontends return
/// columns).
pub fn greeks_columns(rows: &[Greeks]) -> Vec<Vec<f64>> {
    let mut columns = vec![Vec::with_capacity(rows.len()); Greeks::NAMES.len()];
    for g in rows {
        for (column, value) in columns.iter_mut().zip(g.to_array()) {
            column.push(value);
        }
    }
    columns
}

/// The implied-volatility arguments of a batch, in API order.
pub struct IvColumns<'a> {
    pub kind: &'a KindColumn,
    pub price: Column<'a>,
    pub spot: Column<'a>,
    pub strike: Column<'a>,
    pub expiry: Column<'a>,
    pub rate: Column<'a>,
    pub dividend: Column<'a>,
}

/// Implied volatilities of a batch.
///
/// # Errors
/// Only for mismatched argument lengths.
pub fn implied_vol_many(
    args: &IvColumns<'_>,
    threads: usize,
) -> Result<(Vec<f64>, Status), PricingError> {
    let n = batch_len(
        args.kind,
        &[
            ("price", args.price),
            ("spot", args.spot),
            ("strike", args.strike),
            ("expiry", args.expiry),
            ("rate", args.rate),
            ("dividend", args.dividend),
        ],
    )?;
    Ok(map_rows(n, threads, MIN_ROWS_PER_THREAD, f64::NAN, |row| {
        implied_vol::implied_vol(
            args.kind.get(row)?,
            args.price.get(row),
            args.spot.get(row),
            args.strike.get(row),
            args.expiry.get(row),
            args.rate.get(row),
            args.dividend.get(row),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bs<'a>(kind: &'a KindColumn, spot: Column<'a>, vol: Column<'a>) -> BsColumns<'a> {
        BsColumns {
            kind,
            spot,
            strike: Column::Scalar(100.0),
            expiry: Column::Scalar(1.0),
            rate: Column::Scalar(0.01),
            dividend: Column::Scalar(0.0),
            vol,
        }
    }

    #[test]
    fn scalars_broadcast_and_each_row_matches_the_scalar_function() {
        let spots = [80.0, 100.0, 120.0];
        let kind = KindColumn::One(OptionKind::Put);
        let (prices, status) =
            black_scholes_many(&bs(&kind, Column::Values(&spots), Column::Scalar(0.2)), 1).unwrap();
        assert_eq!(status, vec![0, 0, 0]);
        for (s, p) in spots.iter().zip(&prices) {
            let i = Inputs::new(OptionKind::Put, *s, 100.0, 1.0, 0.01, 0.0, 0.2).unwrap();
            // The batch takes the fast path where its bound allows (black_scholes/fast.rs).
            assert_eq!(*p, black_scholes::batch_price(&i));
            let accurate = black_scholes::price(&i);
            assert!((p - accurate).abs() <= black_scholes::fast::MAX_REL_ERROR * accurate * 1.5);
        }
    }

    #[test]
    fn all_scalars_is_one_row() {
        let kind = KindColumn::One(OptionKind::Call);
        let (prices, _) =
            black_scholes_many(&bs(&kind, Column::Scalar(100.0), Column::Scalar(0.2)), 1).unwrap();
        assert_eq!(prices.len(), 1);
    }

    #[test]
    fn a_bad_row_fails_alone_with_its_status() {
        let spots = [100.0, -1.0, f64::NAN, 100.0];
        let vols = [0.2, 0.2, 0.2, -0.1];
        let kind = KindColumn::One(OptionKind::Call);
        let (prices, status) =
            black_scholes_many(&bs(&kind, Column::Values(&spots), Column::Values(&vols)), 1)
                .unwrap();
        assert!(prices[0].is_finite());
        assert!(prices[1].is_nan() && prices[2].is_nan() && prices[3].is_nan());
        assert_eq!(status, vec![0, 2, 2, 7]);
    }

    #[test]
    fn per_row_kinds_with_a_bad_one() {
        let kind = KindColumn::PerRow(vec![
            Ok(OptionKind::Call),
            Err(PricingError::UnknownKind),
            Ok(OptionKind::Put),
        ]);
        let (g, status) =
            greeks_many(&bs(&kind, Column::Scalar(100.0), Column::Scalar(0.2)), 1).unwrap();
        assert_eq!(status, vec![0, 1, 0]);
        assert!(g[0].delta > 0.0 && g[1].delta.is_nan() && g[2].delta < 0.0);
    }

    #[test]
    fn mismatched_lengths_name_the_argument() {
        let kind = KindColumn::One(OptionKind::Call);
        let e = black_scholes_many(
            &bs(&kind, Column::Values(&[1.0, 2.0]), Column::Values(&[0.2])),
            1,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "vol has length 1 but spot has length 2: all arrays of a batch must have the same length"
        );
    }

    #[test]
    fn any_thread_count_gives_the_same_rows() {
        let spots: Vec<f64> = (0..50_000)
            .map(|i| 50.0 + (i % 1000) as f64 * 0.1)
            .collect();
        let kind = KindColumn::One(OptionKind::Call);
        let args = bs(&kind, Column::Values(&spots), Column::Scalar(0.3));
        let one = black_scholes_many(&args, 1).unwrap();
        for threads in [2, 3, 7] {
            assert_eq!(black_scholes_many(&args, threads).unwrap(), one);
        }
        let g1 = greeks_many(&args, 1).unwrap();
        let g4 = greeks_many(&args, 4).unwrap();
        assert_eq!(g1.1, g4.1);
        assert_eq!(greeks_columns(&g1.0), greeks_columns(&g4.0));
    }

    #[test]
    fn implied_vol_rows_report_bounds() {
        let kind = KindColumn::One(OptionKind::Call);
        let prices = [10.0, 0.5, 200.0];
        let args = IvColumns {
            kind: &kind,
            price: Column::Values(&prices),
            spot: Column::Scalar(110.0),
            strike: Column::Scalar(100.0),
            expiry: Column::Scalar(1.0),
            rate: Column::Scalar(0.0),
            dividend: Column::Scalar(0.0),
        };
        let (vols, status) = implied_vol_many(&args, 1).unwrap();
        // Zero rates: intrinsic 10 is the lower bound (vol 0); 0.5 is below it; 200 exceeds the spot.
        assert_eq!(vols[0], 0.0);
        assert_eq!(status, vec![0, 9, 10]);
    }
}
