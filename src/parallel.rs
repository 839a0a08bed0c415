//! redress's own passes over whole columns (hashing, coding, walking a
//! chunk) split over the machine's two cores. polars runs its operations on
//! its own thread pool; without this a core idles through these.

/// `here()` on this thread while `there()` runs on another; a panic on the
/// other thread is raised again on this one.
pub fn both<A, B: Send>(here: impl FnOnce() -> A, there: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let other = scope.spawn(there);
        let mine = here();
        (mine, other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// `work(from, len)` over `0..n` in two halves, the second on another
/// thread, the results in order; all on this thread when `n` is under
/// `at_least`, where a thread costs more than it saves.
pub fn halves<T: Send>(n: usize, at_least: usize, work: impl Fn(usize, usize) -> Vec<T> + Sync) -> Vec<T> {
    if n < at_least.max(2) {
        return work(0, n);
    }
    let half = n / 2;
    let (mut first, second) = both(|| work(0, half), || work(half, n - half));
    first.extend(second);
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_keep_the_order_of_the_whole() {
        let whole: Vec<usize> = (0..101).collect();
        let work = |from: usize, len: usize| (from..from + len).collect::<Vec<_>>();
        assert_eq!(halves(101, 2, work), whole);
        assert_eq!(halves(101, 1000, work), whole);
        assert_eq!(halves(0, 2, work), Vec::<usize>::new());
    }

    #[test]
    #[should_panic(expected = "on the other thread")]
    fn a_panic_on_the_other_thread_is_raised_here() {
        both(|| (), || panic!("on the other thread"));
    }
}
