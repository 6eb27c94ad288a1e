//! The Illinois variant of regula falsi (Dowell & Jarratt, "A modified regula falsi method for
//! computing the root of an equation", BIT 11, 1971): the two one-dimensional searches of the
//! American functions (QD+'s boundary, the implied vol).

/// A root of `f` in the bracket `[a, b]` (`a < b`, `f(a)` and `f(b)` of opposite signs), until
/// the bracket is narrower than `rel_width` times `|b|`, `f` is exactly 0, or `max_steps`
/// evaluations are done. Each step takes the secant point (the midpoint where the secant leaves
/// the bracket); an end kept twice in a row has its value halved, which keeps the convergence
/// superlinear. Returns the exact zero, or the end of the last bracket where `|f|` is smaller.
///
/// # Errors
/// The first error of `f`, which ends the search.
pub(super) fn illinois<E>(
    mut f: impl FnMut(f64) -> Result<f64, E>,
    (mut a, fa): (f64, f64),
    (mut b, fb): (f64, f64),
    rel_width: f64,
    max_steps: usize,
) -> Result<f64, E> {
    // The ends' values, and the (halved) weights the secant uses.
    let (mut fa, mut fb, mut wa, mut wb) = (fa, fb, fa, fb);
    let mut side = 0;
    for _ in 0..max_steps {
        if b - a <= rel_width * b.abs() {
            break;
        }
        let c = (a * wb - b * wa) / (wb - wa);
        let c = if c > a && c < b { c } else { 0.5 * (a + b) };
        let fc = f(c)?;
        if fc == 0.0 {
            return Ok(c);
        }
        if fc.signum() == fb.signum() {
            (b, fb, wb) = (c, fc, fc);
            if side == 1 {
                wa *= 0.5;
            }
            side = 1;
        } else {
            (a, fa, wa) = (c, fc, fc);
            if side == -1 {
                wb *= 0.5;
            }
            side = -1;
        }
    }
    Ok(if fb.abs() < fa.abs() { b } else { a })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_roots_of_either_slope() {
        let up = illinois(
            |x: f64| Ok::<f64, ()>(x * x - 2.0),
            (0.0, -2.0),
            (2.0, 2.0),
            1e-15,
            100,
        );
        assert!((up.unwrap() - 2f64.sqrt()).abs() < 1e-15);
        let down = illinois(
            |x: f64| Ok::<f64, ()>((-x).exp() - 0.5),
            (0.0, 0.5),
            (3.0, (-3f64).exp() - 0.5),
            1e-15,
            100,
        );
        assert!((down.unwrap() - 2f64.ln()).abs() < 1e-15);
        assert_eq!(
            illinois(
                |_| Err::<f64, &str>("stop"),
                (0.0, -1.0),
                (1.0, 1.0),
                1e-15,
                100
            ),
            Err("stop")
        );
    }
}
