//! Text as a person means it: surrounding whitespace removed, and a blank
//! cell no value at all. Every export's text leaves the load stage tidied,
//! so the checks and the data-quality report see the same values whichever
//! way a chunk was read: the walk tidies each value as it copies it
//! ([`value`]), polars' reader and a workbook's cells are tidied after
//! ([`column`]).

use polars::prelude::*;
use polars_arrow::array::{Array, Utf8ViewArray, View};
use polars_arrow::bitmap::MutableBitmap;

/// A value tidied: None if it is blank. Whitespace is Unicode's (a no-break
/// space counts), as `str::trim` has it; a value that starts and ends with
/// a printable ASCII byte, as nearly every value does, is judged by those
/// two bytes alone.
#[inline]
pub fn value(text: &str) -> Option<&str> {
    let edge = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b.is_ascii());
    let bytes = text.as_bytes();
    let tidied = if edge(bytes.first()) && edge(bytes.last()) { text } else { text.trim() };
    (!tidied.is_empty()).then_some(tidied)
}

/// Every value of `values` tidied ([`value`]). A column that needs no
/// change is returned as it is, without a copy.
pub fn column(values: &StringChunked) -> StringChunked {
    let tidied: Vec<Option<Utf8ViewArray>> = values.downcast_iter().map(tidy_array).collect();
    if tidied.iter().all(Option::is_none) {
        return values.clone();
    }
    let chunks =
        values.downcast_iter().zip(tidied).map(|(array, tidied)| tidied.unwrap_or_else(|| array.clone()));
    StringChunked::from_chunk_iter(values.name().clone(), chunks)
}

/// One array of [`column`]; None if no value changes. A trimmed value is
/// part of the value, so its view points into the same bytes: only the
/// views of values that change are rewritten, and no text is copied.
fn tidy_array(array: &Utf8ViewArray) -> Option<Utf8ViewArray> {
    let mut changed: Option<(Vec<View>, MutableBitmap)> = None;
    for (i, text) in array.values_iter().enumerate() {
        let tidied = value(text);
        if tidied.map(str::len) == Some(text.len()) || !array.is_valid(i) {
            continue;
        }
        let (views, valid) = changed.get_or_insert_with(|| {
            let mut valid = MutableBitmap::with_capacity(array.len());
            match array.validity() {
                Some(validity) => valid.extend_from_bitmap(validity),
                None => valid.extend_constant(array.len(), true),
            }
            (array.views().as_slice().to_vec(), valid)
        });
        if let Some(trimmed) = tidied {
            let view = views[i];
            // Short text is held in the view itself; longer text stays in
            // the buffer it was in, from its first kept byte.
            views[i] = if view.length <= View::MAX_INLINE_SIZE {
                View::new_inline(trimmed.as_bytes())
            } else {
                let start = (trimmed.as_ptr() as usize - text.as_ptr() as usize) as u32;
                View::new_from_bytes(trimmed.as_bytes(), view.buffer_idx, view.offset + start)
            };
        } else {
            views[i] = View::default();
            valid.set(i, false);
        }
    }
    let (views, valid) = changed?;
    // SAFETY: every view is the view it was, or a view of part of the same
    // value's bytes (cut at char boundaries by `trim`) in the same buffer.
    Some(unsafe {
        Utf8ViewArray::new_unchecked_unknown_md(
            array.dtype().clone(),
            views.into(),
            array.data_buffers().clone(),
            Some(valid.into()),
            Some(array.total_buffer_len()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Rewriting views gives the values trimming each one gives: short
        /// and long text, whitespace beyond ASCII (no-break and ideographic
        /// spaces, vertical tab), blanks, nulls, and columns of several
        /// chunks.
        #[test]
        fn tidy_gives_each_value_trimmed(
            chunks in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::option::of("[ \t\u{b}\u{a0}\u{3000}]{0,3}[a-zé ]{0,20}[ \r\n\u{a0}]{0,3}"),
                    0..12,
                ),
                1..4,
            ),
        ) {
            let mut text = StringChunked::new("t".into(), &chunks[0]);
            for more in &chunks[1..] {
                text.append(&StringChunked::new("t".into(), more)).unwrap();
            }
            let expected: Vec<Option<String>> =
                chunks.concat().iter().map(|v| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)).collect();
            let got: Vec<Option<String>> = column(&text).iter().map(|v| v.map(String::from)).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn tidy_trims_and_blanks_become_null_without_copying_tidy_columns() {
        let long = " a value longer than a view holds ";
        let ca = StringChunked::new("t".into(), [Some(" a "), Some("   "), None, Some("b"), Some(long)]);
        let tidied = column(&ca);
        assert_eq!(
            tidied.iter().collect::<Vec<_>>(),
            vec![Some("a"), None, None, Some("b"), Some(long.trim())]
        );
        let first = |c: &StringChunked| c.downcast_iter().next().unwrap().clone();
        // The trimmed long value points into the bytes it came from.
        assert_eq!(first(&tidied).data_buffers()[0].as_ptr(), first(&ca).data_buffers()[0].as_ptr());
        let clean = StringChunked::new("t".into(), [Some("a"), None, Some(long.trim())]);
        let kept = column(&clean);
        assert_eq!(kept.iter().collect::<Vec<_>>(), vec![Some("a"), None, Some(long.trim())]);
        // A column with nothing to tidy is handed back, its views not copied.
        assert_eq!(first(&kept).views().as_ptr(), first(&clean).views().as_ptr());
    }
}
