//! Splitting work across threads: every core natively, one thread in wasm.
//!
//! `wasm32-unknown-unknown` has no threads (the browser's parallelism is Web Workers, each with
//! its own instance; see `web/workers/`), so there every call runs on the calling thread.
//! Natively the work is split into contiguous chunks, one per thread, with
//! [`std::thread::scope`]: no pool, no dependency. Each row's result depends only on that row,
//! so the output is the same for any thread count.

/// The cores this process may use (1 in wasm, or when the platform cannot say).
pub fn available_threads() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// How many threads to use for `rows` rows: at most `threads`, and few enough that each gets at
/// least `min_rows` (starting a thread costs tens of microseconds: below a few thousand rows of
/// Black-Scholes it would not pay for itself).
pub fn threads_for(rows: usize, threads: usize, min_rows: usize) -> usize {
    let useful = rows.div_ceil(min_rows.max(1)).max(1);
    threads.clamp(1, useful).min(available_limit())
}

/// The hard cap on threads of one call (wasm: 1).
fn available_limit() -> usize {
    if cfg!(target_arch = "wasm32") {
        1
    } else {
        usize::MAX
    }
}

/// Runs `f(first, a_chunk, b_chunk)` over matching contiguous chunks of `a` and `b` (equal
/// lengths), on up to `threads` threads; `first` is the chunk's offset into the slices.
pub fn for_chunks<A: Send, B: Send>(
    a: &mut [A],
    b: &mut [B],
    threads: usize,
    min_rows: usize,
    f: impl Fn(usize, &mut [A], &mut [B]) + Sync,
) {
    debug_assert_eq!(a.len(), b.len());
    let n = a.len().min(b.len());
    let t = threads_for(n, threads, min_rows);
    if t <= 1 {
        f(0, a, b);
        return;
    }
    let chunk = n.div_ceil(t);
    std::thread::scope(|scope| {
        let f = &f;
        for (i, (ca, cb)) in a.chunks_mut(chunk).zip(b.chunks_mut(chunk)).enumerate() {
            scope.spawn(move || f(i * chunk, ca, cb));
        }
    });
}

/// `f(start, end)` over up to `threads` contiguous ranges splitting `0..n`, the results in
/// range order (for work whose pieces are merged in a fixed order, as Monte Carlo blocks are).
pub fn map_ranges<T: Send>(n: u64, threads: usize, f: impl Fn(u64, u64) -> T + Sync) -> Vec<T> {
    let t = threads_for(usize::try_from(n).unwrap_or(usize::MAX), threads, 1) as u64;
    if t <= 1 {
        return vec![f(0, n)];
    }
    let chunk = n.div_ceil(t);
    let ranges: Vec<(u64, u64)> = (0..t)
        .map(|i| (i * chunk, ((i + 1) * chunk).min(n)))
        .filter(|(a, b)| a < b)
        .collect();
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(a, b)| scope.spawn(move || f(a, b)))
            .collect();
        handles
            .into_iter()
            // A worker panics only on a bug (the maths never panics on valid input); re-raise it.
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_row_once_for_any_thread_count() {
        for threads in [1, 2, 3, 8] {
            let mut a = vec![0usize; 10_001];
            let mut b = vec![0u8; 10_001];
            for_chunks(&mut a, &mut b, threads, 100, |first, ca, cb| {
                for (i, (x, y)) in ca.iter_mut().zip(cb.iter_mut()).enumerate() {
                    *x = first + i;
                    *y += 1;
                }
            });
            assert!(a.iter().enumerate().all(|(i, &x)| x == i));
            assert!(b.iter().all(|&y| y == 1));
        }
    }

    #[test]
    fn ranges_partition_in_order() {
        for threads in [1, 2, 5] {
            let r = map_ranges(11, threads, |a, b| (a, b));
            assert_eq!(r.first().unwrap().0, 0);
            assert_eq!(r.last().unwrap().1, 11);
            assert!(r.windows(2).all(|w| w[0].1 == w[1].0));
        }
        assert_eq!(threads_for(10, 8, 4096), 1);
        assert_eq!(threads_for(100_000, 8, 4096), 8);
        assert_eq!(threads_for(0, 8, 4096), 1);
    }
}
