//! Keeping the resident memory of a big run down: the case frame's text
//! stored once per distinct value, and freed memory handed back to the
//! system between the steps that free the most.

use polars::prelude::*;

/// Hand memory the allocator holds but no longer uses back to the system.
///
/// glibc keeps freed blocks below its mmap threshold for reuse, but the
/// large arrays that follow (a whole column of a 10M-row frame) are mapped
/// afresh and never reuse them. Without this, a 10M-row run's peak carried
/// about 2 GiB of freed chunk arrays. Elsewhere it does nothing.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// `text` with each distinct value's bytes stored once, the rows pointing at
/// it: for coded columns (service area, category, outcome) that repeat a few
/// values a million times, the text shrinks to the views alone. The values
/// are unchanged.
pub fn interned(text: &StringChunked) -> StringChunked {
    let (at, values) = codes(text);
    values.decode(&at)
}

/// The distinct values of a text column, in order of first appearance: what
/// its [`codes`] stand for.
pub struct Dictionary(StringChunked);

impl Dictionary {
    /// The text of each code (null for null).
    pub fn decode(&self, codes: &IdxCa) -> StringChunked {
        // A gather copies the 16-byte views and shares the one small buffer.
        self.0.take(codes).expect("every code is a position among the distinct values")
    }
}

/// Each row's value as a number (its position among the distinct values),
/// with the [`Dictionary`] to turn numbers back into text: grouping by a
/// number is much cheaper than grouping by text.
pub fn codes(text: &StringChunked) -> (IdxCa, Dictionary) {
    let mut position: PlHashMap<&str, IdxSize> = PlHashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let at: IdxCa = text
        .iter()
        .map(|value| {
            value.map(|v| {
                *position.entry(v).or_insert_with(|| {
                    distinct.push(v);
                    (distinct.len() - 1) as IdxSize
                })
            })
        })
        .collect();
    (at.with_name(text.name().clone()), Dictionary(StringChunked::from_slice(text.name().clone(), &distinct)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_held(text: &StringChunked) -> usize {
        text.downcast_iter().map(|a| a.total_buffer_len()).sum()
    }

    #[test]
    fn interning_keeps_the_values_and_stores_each_once() {
        let long = "Repairs and maintenance (responsive)";
        let values: Vec<Option<&str>> = (0..1000)
            .map(|i| [Some(long), None, Some("Estate services and grounds"), Some("ASB")][i % 4])
            .collect();
        let text = StringChunked::from_iter_options("service_area".into(), values.clone().into_iter());
        let out = interned(&text);
        assert_eq!(out.iter().collect::<Vec<_>>(), values);
        assert_eq!(out.name().as_str(), "service_area");
        // 250 copies each of two values longer than 12 bytes (short values
        // live in the view itself) before; one copy each after.
        assert_eq!(bytes_held(&text), 250 * (long.len() + 27));
        assert_eq!(bytes_held(&out), long.len() + 27);
    }

    #[test]
    fn codes_number_values_in_order_of_first_appearance_and_decode_back() {
        let text = StringChunked::from_iter_options(
            "channel".into(),
            [Some("Phone"), Some("Email"), None, Some("Phone"), Some("Web form")].into_iter(),
        );
        let (at, dictionary) = codes(&text);
        assert_eq!(at.iter().collect::<Vec<_>>(), [Some(0), Some(1), None, Some(0), Some(2)]);
        assert_eq!(dictionary.decode(&at).iter().collect::<Vec<_>>(), text.iter().collect::<Vec<_>>());
    }
}
