//! Rows placed bucket by bucket by a small whole-number key, each bucket's
//! rows kept in the order they came (a stable counting sort): what grouping
//! duplicates by hash, repeats by day and linked rows by case each need,
//! without comparing rows or hashing them again.

/// Items placed bucket by bucket; bucket `b` is `items[starts[b]..starts[b + 1]]`.
pub struct Buckets<T> {
    items: Vec<T>,
    starts: Vec<usize>,
}

impl<T: Copy + Default> Buckets<T> {
    /// Each `(bucket, item)` that `items()` gives, placed in its bucket (each
    /// under `buckets`). `items` is walked twice, to count and then to place,
    /// so no list of the pairs is held.
    pub fn of<I: Iterator<Item = (usize, T)>>(buckets: usize, items: impl Fn() -> I) -> Buckets<T> {
        let mut starts = vec![0usize; buckets + 1];
        for (bucket, _) in items() {
            starts[bucket + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut next = starts.clone();
        let mut placed = vec![T::default(); starts[buckets]];
        for (bucket, item) in items() {
            placed[next[bucket]] = item;
            next[bucket] += 1;
        }
        Buckets { items: placed, starts }
    }

    /// How many buckets there are.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items of bucket `b`, in the order they came.
    pub fn get(&self, b: usize) -> &[T] {
        &self.items[self.starts[b]..self.starts[b + 1]]
    }

    /// Every item, bucket after bucket.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_go_bucket_by_bucket_in_the_order_they_came() {
        let items = [(2, 'a'), (0, 'b'), (2, 'c'), (0, 'd'), (3, 'e')];
        let buckets = Buckets::of(4, || items.iter().copied());
        assert_eq!(buckets.len(), 4);
        assert_eq!(buckets.get(0), ['b', 'd']);
        assert!(buckets.get(1).is_empty());
        assert_eq!(buckets.get(2), ['a', 'c']);
        assert_eq!(buckets.get(3), ['e']);
        assert_eq!(buckets.into_items(), ['b', 'd', 'a', 'c', 'e']);
        let none = Buckets::<char>::of(0, std::iter::empty);
        assert!(none.is_empty() && none.into_items().is_empty());
    }
}
