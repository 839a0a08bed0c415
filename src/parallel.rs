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

/// `work(from, part)` over `items` split where [`halves`] would split
/// `items.len()`, each half of the slice given mutably to its own call, the
/// results in order: for a pass that writes each row's value in place.
pub fn halves_mut<I: Send, T: Send>(
    items: &mut [I],
    at_least: usize,
    work: impl Fn(usize, &mut [I]) -> T + Sync,
) -> Vec<T> {
    let n = items.len();
    if n < at_least.max(2) {
        return vec![work(0, items)];
    }
    let (first, second) = items.split_at_mut(n / 2);
    let (a, b) = both(|| work(0, first), || work(n / 2, second));
    vec![a, b]
}

/// `work(item)` for each item, each on a thread of its own, the results in
/// order; a panic on any thread is raised again on this one.
pub fn each<I: Sync, T: Send>(items: &[I], work: impl Fn(&I) -> T + Sync) -> Vec<T> {
    std::thread::scope(|scope| {
        let work = &work;
        let running: Vec<_> = items.iter().map(|item| scope.spawn(move || work(item))).collect();
        running
            .into_iter()
            .map(|r| r.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
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
    fn halves_mut_split_where_halves_do_and_write_in_place() {
        let mut items = vec![0usize; 101];
        let starts = halves_mut(&mut items, 2, |from, part| {
            part.iter_mut().enumerate().for_each(|(i, item)| *item = from + i);
            (from, part.len())
        });
        assert_eq!(starts, vec![(0, 50), (50, 51)]);
        assert_eq!(items, (0..101).collect::<Vec<_>>());
        let mut few = vec![0usize; 3];
        assert_eq!(halves_mut(&mut few, 1000, |from, part| (from, part.len())), vec![(0, 3)]);
    }

    #[test]
    fn each_keeps_the_order_of_the_items() {
        let items: Vec<u64> = (0..5).collect();
        assert_eq!(each(&items, |n| n * n), vec![0, 1, 4, 9, 16]);
        assert_eq!(each(&[] as &[u64], |n| *n), Vec::<u64>::new());
    }

    #[test]
    #[should_panic(expected = "on an item's thread")]
    fn a_panic_on_an_items_thread_is_raised_here() {
        each(&[1, 2], |n| {
            if *n == 2 {
                panic!("on an item's thread")
            }
        });
    }

    #[test]
    #[should_panic(expected = "on the other thread")]
    fn a_panic_on_the_other_thread_is_raised_here() {
        both(|| (), || panic!("on the other thread"));
    }
}
