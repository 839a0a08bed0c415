//! Keeping the resident memory of a big run down: the case frame's text
//! stored once per distinct value, faulty rows' text copied out of their
//! chunk, the checked rows gathered into one array per column and filtered
//! in place, other frames filtered a column at a time, freed memory handed
//! back to the system where that lowers the peak, and the allocator's
//! arenas shared by every thread.

use polars::prelude::*;
use polars_arrow::array::{Array, MutableBinaryViewArray, Utf8ViewArray, View};
use polars_arrow::bitmap::utils::{SlicesIterator, ZipValidity};
use polars_arrow::bitmap::{Bitmap, MutableBitmap};

use crate::error::Result;

/// Cap the allocator's pools of memory (glibc's arenas) at two for the
/// whole process, shared by every thread, where glibc lets a 64-bit
/// process make up to eight per core. A run's threads free what other
/// threads took: a chunk's columns are made by the reader and freed by the
/// checks, a step's by polars' threads and then by this one. With a pool
/// per thread, each held freed memory that only its own thread would
/// reuse; with two, one thread reuses what another freed. A 1M-row run
/// peaked 24-32 MiB lower (about 508 to 480 MiB) and faulted in 12,000 to
/// 20,000 fewer pages, no slower (two batches of nine and eleven
/// alternating runs); a 10M-row run peaked at 3,346 MiB against 3,373.
///
/// Called first thing in `main`: the cap only stops new arenas being
/// made, so a thread that already has one of its own keeps it. Elsewhere
/// it does nothing.
pub fn share_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator option; it has no
    // preconditions, and fails harmlessly on a value it does not take.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Hand memory the allocator holds but no longer uses back to the system,
/// once there is [`RELEASE_FROM`] of it or more.
///
/// glibc keeps freed blocks below its mmap threshold for reuse, but the
/// large arrays that follow (a whole column of a big frame) are mapped
/// afresh and never reuse them, so without this a big run's peak carries
/// every freed chunk array. Elsewhere it does nothing.
///
/// It is called while the exports are read and checked, once after, and
/// after each of the cube's dates, whose working columns would otherwise
/// pile up on a big run's peak; and between the columns of
/// [`filter_by_column`], which only rows due beyond the calendar call for.
/// The other steps after checking free and take whole columns of about the
/// same sizes, so what one frees the next reuses: every page handed back
/// is faulted in again when next taken (some 2 µs a page on the benchmark
/// machine). A trim after each of them made a 1M-row run fault in 59,000
/// pages more (about 0.14 s) to peak 20 MiB lower (485 against 505 MiB),
/// and a 10M-row run no lower.
///
/// Below [`RELEASE_FROM`] the memory is kept: what a trim hands back is
/// then less than the pages it makes the next steps fault in again are
/// worth. Where the allocator cannot say how much it holds free (a glibc
/// older than 2.33, or one linked statically), every call trims. Asking
/// walks each arena's free blocks, as a trim does.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if held_free().is_none_or(|free| free >= RELEASE_FROM) {
        // SAFETY: malloc_trim only returns free pages; it has no
        // preconditions.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// How much freed memory [`release_freed`] lets the allocator keep. At a
/// trim point a 1M-row quarter run holds 60-115 MiB free, so it trims
/// none: it faults in some 50,000 fewer pages (0.12 CPU-seconds of the
/// kernel's time), for a peak some 20 MiB higher (490 against 470 MiB). A
/// 10M-row run holds 60-420 MiB, rising as it reads, and trims from about
/// a third of the way in, peaking where it did (3,225 against 3,233 MiB).
/// glibc counts as free the blocks whose pages a trim has handed back, so
/// once a run passes this it trims at every call, as every run did.
pub const RELEASE_FROM: usize = 128 << 20;

/// The bytes the allocator holds free in all its arenas, as glibc's
/// `mallinfo2` counts them; None where the C library has no `mallinfo2`
/// (before glibc 2.33), looked up when first asked so that an older glibc
/// still runs the program.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn held_free() -> Option<usize> {
    type MallInfo2 = unsafe extern "C" fn() -> libc::mallinfo2;
    static MALLINFO2: std::sync::OnceLock<Option<MallInfo2>> = std::sync::OnceLock::new();
    let mallinfo2 = MALLINFO2.get_or_init(|| {
        // SAFETY: dlsym with RTLD_DEFAULT looks a symbol up in the loaded
        // libraries; the name is a valid C string.
        let found = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"mallinfo2".as_ptr()) };
        // SAFETY: glibc's mallinfo2 takes nothing and returns the struct
        // the libc crate declares for it.
        (!found.is_null()).then(|| unsafe { std::mem::transmute::<*mut libc::c_void, MallInfo2>(found) })
    });
    // SAFETY: mallinfo2 only reads the allocator's own counts.
    mallinfo2.map(|mallinfo2| unsafe { mallinfo2() }.fordblks)
}

/// `text` with each distinct value's bytes stored once, the rows pointing at
/// it: for coded columns (service area, category, outcome) that repeat a few
/// values a million times, the text shrinks to the views alone. The values
/// are unchanged.
///
/// A column whose text outside its views comes to less than a byte a row is
/// returned as it is: interning could save at most that, beside the 16-byte
/// view each row keeps either way, and the walk ([`OnceStored`]) and the
/// canonical spellings already leave most coded columns so. Coding every
/// row to find nothing to save took about 1% of a 1M-row run's
/// instructions (2% of those outside SHA-256).
pub fn interned(text: &StringChunked) -> StringChunked {
    if bytes_outside_views(text) < text.len() {
        return text.clone();
    }
    let (at, values) = codes(text);
    values.decode(&at)
}

/// The bytes a text column holds in its buffers, beside its 16-byte views.
pub fn bytes_outside_views(text: &StringChunked) -> usize {
    text.downcast_iter().map(|a| a.total_buffer_len()).sum()
}

/// A text column being built that stores a long value that repeats (a
/// service area, a category, an outcome) once, each repeat's view pointing
/// at the first copy, as [`interned`] would store it: the walk copies less,
/// and [`codes`] finds every row of a value by its view. Values of up to 12
/// bytes are held in their views anyway. At most [`DISTINCT_KEPT`] distinct
/// values are remembered; a column that has repeated fewer values than that
/// by then (case references, descriptions) stops being looked up, one that
/// repeats more goes on finding its first values.
pub struct OnceStored<'c> {
    column: MutableBinaryViewArray<str>,
    views: Option<PlHashMap<&'c str, View>>,
    repeats: usize,
    /// The bytes of the repeats, which the column's total length counts only
    /// once [`OnceStored::finish`] adds them.
    repeated_bytes: usize,
}

/// How many distinct long values of a column a chunk remembers.
const DISTINCT_KEPT: usize = 1024;

impl<'c> OnceStored<'c> {
    /// An empty column with room for `rows` values.
    pub fn with_capacity(rows: usize) -> Self {
        OnceStored {
            column: MutableBinaryViewArray::with_capacity(rows),
            views: Some(PlHashMap::new()),
            repeats: 0,
            repeated_bytes: 0,
        }
    }

    /// Push `text`, storing it once if it is long and has come before.
    /// Always inlined: the walk calls it for every field, and left to itself
    /// the compiler inlines it or not as unrelated code moves (a change to
    /// the cube once made it a call, 0.3 G instructions more at 1M rows).
    #[inline(always)]
    pub fn push(&mut self, text: &'c str) {
        let Some(views) = self.views.as_mut().filter(|_| text.len() > View::MAX_INLINE_SIZE as usize) else {
            return self.column.push_value(text);
        };
        if let Some(&view) = views.get(text) {
            self.repeats += 1;
            self.repeated_bytes += text.len();
            // SAFETY: the view is one this column made for the same text, so
            // it points at valid UTF-8 in the column's own buffers.
            unsafe { self.column.views_mut().push(view) };
            if let Some(validity) = self.column.validity() {
                validity.push(true);
            }
            return;
        }
        self.column.push_value(text);
        if views.len() < DISTINCT_KEPT {
            views.insert(text, *self.column.views().last().expect("just pushed"));
        } else if self.repeats < views.len() {
            self.views = None;
        }
    }

    /// Push a value that is not looked up (text that lives only for the
    /// push, such as a quoted field made whole), or a null.
    pub fn push_apart(&mut self, value: Option<&str>) {
        self.column.push(value);
    }

    #[inline]
    pub fn push_null(&mut self) {
        self.column.push_null();
    }

    /// The column, its total length now counting the repeats, which
    /// [`OnceStored::push`] leaves out: polars' debug builds check a total
    /// set by summing every view, so setting it at each repeat would make a
    /// debug run quadratic. Capacity beyond the views is given back.
    pub fn finish(mut self) -> Utf8ViewArray {
        let total = self.column.total_bytes_len() + self.repeated_bytes;
        // SAFETY: the total is what pushing each repeat's text would count;
        // only capacity beyond the views is given back.
        unsafe {
            self.column.set_total_bytes_len(total);
            self.column.views_mut().shrink_to_fit();
        }
        self.column.freeze()
    }
}

/// A text column of `values`, each long value that repeats stored once
/// ([`OnceStored`]).
pub fn stored_once<'v>(
    name: PlSmallStr,
    values: impl ExactSizeIterator<Item = Option<&'v str>>,
) -> StringChunked {
    let mut column = OnceStored::with_capacity(values.len());
    for value in values {
        match value {
            Some(text) => column.push(text),
            None => column.push_null(),
        }
    }
    StringChunked::with_chunk(name, column.finish())
}

/// The distinct values of a text column, in order of first appearance: what
/// its [`codes`] stand for.
pub struct Dictionary(StringChunked);

impl Dictionary {
    /// The dictionary of codes standing for `distinct`, in order.
    pub fn of(name: PlSmallStr, distinct: &[&str]) -> Dictionary {
        Dictionary(StringChunked::from_slice(name, distinct))
    }

    /// The distinct values, in the order of their codes.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|v| v.expect("a dictionary holds no null"))
    }

    /// The text of each code (null for null).
    pub fn decode(&self, codes: &IdxCa) -> StringChunked {
        // A gather copies the 16-byte views and shares the one small buffer.
        self.0.take(codes).expect("every code is a position among the distinct values")
    }
}

/// The 16-byte views [`codes`] remembers in each chunk, each in a slot
/// picked by its bits, a later view taking the slot of an earlier one.
/// Interned text, and text the walk stored once ([`OnceStored`]), has a few
/// views per value, and a date column a few thousand; a long value stored
/// anew for each row (a column the walk stopped looking up, or text made
/// another way) has one per row, which the text table codes instead.
const VIEW_SLOTS_BITS: u32 = 12;

/// No view: no UTF-8 text starts with the bytes FF FF FF FF, the prefix
/// this view would have.
const NO_VIEW: u128 = u128::MAX;

/// The slot of a view among `1 << VIEW_SLOTS_BITS`: the high bits of a
/// product with an odd constant. The low half is multiplied before the
/// high half joins it, so bytes of the two halves cannot cancel: an inline
/// "dd/mm/yyyy" folded as one XOR took a year's 365 days to 160 slots.
fn view_slot(view: u128) -> usize {
    const ODD: u64 = 0x9E37_79B9_7F4A_7C15;
    let mixed = (view as u64).wrapping_mul(ODD) ^ (view >> 64) as u64;
    (mixed.wrapping_mul(ODD) >> (64 - VIEW_SLOTS_BITS)) as usize
}

/// Each row's value as a number (its position among the distinct values),
/// with the [`Dictionary`] to turn numbers back into text: grouping by a
/// number is much cheaper than grouping by text.
pub fn codes(text: &StringChunked) -> (IdxCa, Dictionary) {
    let mut position: PlHashMap<&str, IdxSize> = PlHashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    // Codes and validity apart, at 4 bytes and a bit a row where an option
    // takes 8.
    let mut at: Vec<IdxSize> = Vec::with_capacity(text.len());
    let mut valid = MutableBitmap::with_capacity(text.len());
    let mut slots: Vec<(u128, IdxSize)> = Vec::new();
    for chunk in text.downcast_iter() {
        // Equal views always hold equal text (the same bytes inline, or the
        // same place in the same buffer), so most rows are coded by their 16
        // bytes alone, without hashing or comparing the text: a view seen
        // before is found in its slot. The text itself is read only for a
        // view not there. A view's place is in its chunk's buffers, so each
        // chunk starts with the slots empty.
        slots.clear();
        slots.resize(1 << VIEW_SLOTS_BITS, (NO_VIEW, 0));
        match chunk.validity() {
            Some(validity) => valid.extend_from_bitmap(validity),
            None => valid.extend_constant(chunk.len(), true),
        }
        let views = ZipValidity::new_with_validity(chunk.views().iter(), chunk.validity());
        for (row, view) in views.enumerate() {
            let Some(view) = view else {
                at.push(0);
                continue;
            };
            let view = view.as_u128();
            let slot = &mut slots[view_slot(view)];
            if slot.0 == view {
                at.push(slot.1);
                continue;
            }
            let value = chunk.value(row);
            let code = *position.entry(value).or_insert_with(|| {
                distinct.push(value);
                (distinct.len() - 1) as IdxSize
            });
            *slot = (view, code);
            at.push(code);
        }
    }
    let validity = (text.null_count() > 0).then(|| valid.freeze());
    let at = IdxCa::from_vec_validity(text.name().clone(), at, validity);
    (at, Dictionary::of(text.name().clone(), &distinct))
}

/// `frame` without its rows where `keep` is false, each column in one piece
/// (its chunks joined). Columns are filtered one at a time on each of two
/// threads, so only two columns are ever held twice: the whole frame at once
/// would double the memory.
pub fn filter_by_column(frame: DataFrame, keep: &BooleanChunked) -> Result<DataFrame> {
    let kept = Kept::new(keep);
    each_column_in_halves(frame, kept.height(), |c| {
        let picked = kept.column(&c);
        drop(c);
        release_freed();
        picked
    })
}

/// `frame` with `pick` made of each column, half the columns on this thread
/// and half on another, into a frame of `height` rows.
fn each_column_in_halves(
    frame: DataFrame,
    height: usize,
    pick: impl Fn(Column) -> PolarsResult<Column> + Sync,
) -> Result<DataFrame> {
    let picked =
        |columns: Vec<Column>| -> PolarsResult<Vec<Column>> { columns.into_iter().map(&pick).collect() };
    let mut columns = frame.into_columns();
    let there = columns.split_off(columns.len() / 2);
    let (columns, more) = crate::parallel::both(|| picked(columns), || picked(there));
    let mut columns = columns?;
    columns.extend(more?);
    Ok(DataFrame::new(height, columns)?)
}

/// A frame's rows gathered chunk by chunk into one array per column, as
/// the checks hand each chunk on: the usable rows' filter then drops the
/// few faulty and duplicate rows in place ([`filter_in_place`]), where
/// picking every kept row of every chunk into new arrays faulted in a
/// second copy of the whole frame (some 70,000 pages at 1M rows).
#[derive(Default)]
pub struct Gathered {
    columns: Vec<Gathering>,
    height: usize,
}

/// One column's rows so far.
enum Gathering {
    /// One value in every row so far (a single export's file number), kept
    /// as that value and a length until a chunk brings another.
    Constant(Column),
    Numbers(PlSmallStr, DataType, Numbers),
    Text(PlSmallStr, Text),
    /// Any other type, its chunks kept as they came (a column of flags).
    Chunks(Column),
}

/// A number column's values and validity, by its physical type.
enum Numbers {
    U32(Vec<u32>, MutableBitmap),
    I32(Vec<i32>, MutableBitmap),
    U64(Vec<u64>, MutableBitmap),
    F64(Vec<f64>, MutableBitmap),
}

/// A text column's views, and every chunk's buffers they point into.
#[derive(Default)]
struct Text {
    views: Vec<View>,
    buffers: Vec<polars_buffer::Buffer<u8>>,
    valid: MutableBitmap,
}

impl Gathered {
    /// Add `frame`'s rows; every frame has the first one's columns.
    pub fn push(&mut self, frame: DataFrame) -> Result<()> {
        if self.columns.is_empty() && self.height == 0 {
            self.columns = frame.columns().iter().map(Gathering::of).collect();
        }
        // As stacking the chunks would, a chunk with other columns is refused.
        let same = frame.width() == self.columns.len()
            && self.columns.iter().zip(frame.columns()).all(|(g, c)| g.is_for(c));
        if !same {
            return Err(PolarsError::ShapeMismatch("a chunk with other columns".into()).into());
        }
        self.height += frame.height();
        for (gathering, column) in self.columns.iter_mut().zip(frame.into_columns()) {
            gathering.push(column)?;
        }
        Ok(())
    }

    /// The rows gathered, one array per column (the values moved, not
    /// copied). No column is flagged sorted, as stacked chunks might have
    /// been: nothing downstream searches or joins the cases by a sorted
    /// column, and a flag only picks faster kernels.
    pub fn into_frame(self) -> Result<DataFrame> {
        let columns = self.columns.into_iter().map(Gathering::into_column).collect::<Result<Vec<_>>>()?;
        Ok(DataFrame::new(self.height, columns)?)
    }
}

impl Gathering {
    /// Whether `column` is one more chunk of this column: its name and type.
    fn is_for(&self, column: &Column) -> bool {
        match self {
            Gathering::Constant(constant) => {
                constant.name() == column.name() && constant.dtype() == column.dtype()
            }
            Gathering::Numbers(name, dtype, _) => name == column.name() && dtype == column.dtype(),
            Gathering::Text(name, _) => name == column.name() && column.dtype() == &DataType::String,
            Gathering::Chunks(chunks) => chunks.name() == column.name() && chunks.dtype() == column.dtype(),
        }
    }

    fn of(column: &Column) -> Gathering {
        match column {
            Column::Scalar(constant) => Gathering::Constant(constant.resize(0).into()),
            _ => Gathering::any_of(column),
        }
    }

    /// The gathering for `column`'s type, whatever its values.
    fn any_of(column: &Column) -> Gathering {
        let name = column.name().clone();
        let numbers = match column.dtype().to_physical() {
            DataType::UInt32 => Some(Numbers::U32(Vec::new(), MutableBitmap::new())),
            DataType::Int32 => Some(Numbers::I32(Vec::new(), MutableBitmap::new())),
            DataType::UInt64 => Some(Numbers::U64(Vec::new(), MutableBitmap::new())),
            DataType::Float64 => Some(Numbers::F64(Vec::new(), MutableBitmap::new())),
            _ => None,
        };
        match (numbers, column.dtype()) {
            (Some(numbers), dtype) => Gathering::Numbers(name, dtype.clone(), numbers),
            (None, DataType::String) => Gathering::Text(name, Text::default()),
            (None, dtype) => Gathering::Chunks(Column::new_empty(name, dtype)),
        }
    }

    fn push(&mut self, column: Column) -> Result<()> {
        if let Gathering::Constant(constant) = self {
            // A chunk of no rows adds nothing (and its value is not defined).
            if column.is_empty() {
                return Ok(());
            }
            if let Column::Scalar(more) = &column {
                let same = constant.as_scalar_column().is_some_and(|c| c.scalar() == more.scalar());
                if constant.is_empty() || same {
                    let rows = constant.len() + more.len();
                    *constant = more.resize(rows).into();
                    return Ok(());
                }
            }
            // Another value: the rows so far are gathered as any others.
            let so_far = std::mem::replace(constant, Column::new_empty(PlSmallStr::EMPTY, &DataType::Null));
            let mut gathering = Gathering::any_of(&so_far);
            gathering.push(so_far)?;
            *self = gathering;
        }
        match self {
            Gathering::Numbers(_, dtype, numbers) => {
                let physical = column.cast(&dtype.to_physical())?;
                let series = physical.as_materialized_series();
                match numbers {
                    Numbers::U32(values, valid) => extend_numbers(values, valid, series.u32()?),
                    Numbers::I32(values, valid) => extend_numbers(values, valid, series.i32()?),
                    Numbers::U64(values, valid) => extend_numbers(values, valid, series.u64()?),
                    Numbers::F64(values, valid) => extend_numbers(values, valid, series.f64()?),
                }
            }
            Gathering::Text(_, text) => {
                for chunk in column.str()?.downcast_iter() {
                    // A view's buffer is counted among its chunk's buffers:
                    // these now follow the earlier chunks' buffers.
                    let first_buffer = text.buffers.len() as u32;
                    text.buffers.extend(chunk.data_buffers().iter().cloned());
                    text.views.extend(chunk.views().iter().map(|&view| renumbered(view, first_buffer)));
                    extend_validity(&mut text.valid, chunk.validity(), 0, chunk.len());
                }
            }
            Gathering::Chunks(chunks) => {
                chunks.append_owned(column)?;
            }
            Gathering::Constant(_) => unreachable!("a constant is gathered above"),
        }
        Ok(())
    }

    fn into_column(self) -> Result<Column> {
        Ok(match self {
            Gathering::Numbers(name, dtype, numbers) => {
                let physical = match numbers {
                    Numbers::U32(values, valid) => {
                        UInt32Chunked::from_vec_validity(name, values, validity(valid)).into_column()
                    }
                    Numbers::I32(values, valid) => {
                        Int32Chunked::from_vec_validity(name, values, validity(valid)).into_column()
                    }
                    Numbers::U64(values, valid) => {
                        UInt64Chunked::from_vec_validity(name, values, validity(valid)).into_column()
                    }
                    Numbers::F64(values, valid) => {
                        Float64Chunked::from_vec_validity(name, values, validity(valid)).into_column()
                    }
                };
                // A date is its day number.
                physical.cast(&dtype)?
            }
            // SAFETY: each view renumbered to where its chunk's buffers
            // are among all the chunks' (see `push`).
            Gathering::Text(name, Text { views, buffers, valid }) => {
                unsafe { text_column(name, views, buffers, validity(valid)) }.into_column()
            }
            Gathering::Chunks(chunks) | Gathering::Constant(chunks) => chunks,
        })
    }
}

fn extend_numbers<T: PolarsNumericType>(
    values: &mut Vec<T::Native>,
    valid: &mut MutableBitmap,
    numbers: &ChunkedArray<T>,
) {
    for chunk in numbers.downcast_iter() {
        values.extend_from_slice(chunk.values());
        extend_validity(valid, chunk.validity(), 0, chunk.len());
    }
}

/// `view` with its buffer renumbered from `first_buffer` on.
fn renumbered(mut view: View, first_buffer: u32) -> View {
    if view.length > View::MAX_INLINE_SIZE {
        view.buffer_idx += first_buffer;
    }
    view
}

/// A text column of `views` into `buffers`.
///
/// # Safety
/// Every view that is not inline is of valid UTF-8 in its buffer among
/// `buffers`.
unsafe fn text_column(
    name: PlSmallStr,
    views: impl Into<polars_buffer::Buffer<View>>,
    buffers: Vec<polars_buffer::Buffer<u8>>,
    validity: Option<Bitmap>,
) -> StringChunked {
    let buffer_len = buffers.iter().map(|b| b.len()).sum();
    // SAFETY: as the caller promises.
    let array = unsafe {
        Utf8ViewArray::new_unchecked_unknown_md(
            DataType::String.to_arrow(CompatLevel::newest()),
            views.into(),
            buffers.into(),
            validity,
            Some(buffer_len),
        )
    };
    StringChunked::with_chunk(name, array)
}

/// `frame` without its rows where `keep` is false, each column compacted in
/// place where it is one array that nothing else holds (as [`Gathered`]
/// makes them), and otherwise picked as [`filter_by_column`] picks it.
pub fn filter_in_place(frame: DataFrame, keep: &BooleanChunked) -> Result<DataFrame> {
    let kept = Kept::new(keep);
    let runs: Vec<(usize, usize)> = SlicesIterator::new(&kept.rows).collect();
    each_column_in_halves(frame, kept.height(), |c| compacted_in_place(c, &runs, &kept))
}

/// `column`'s kept rows (`runs` of them), moved down over the dropped ones.
fn compacted_in_place(column: Column, runs: &[(usize, usize)], kept: &Kept) -> PolarsResult<Column> {
    if matches!(column, Column::Scalar(_)) {
        return kept.column(&column);
    }
    let dtype = column.dtype().clone();
    let name = column.name().clone();
    let series = column.take_materialized_series();
    if series.n_chunks() != 1 {
        return kept.column(&series.into_column());
    }
    let compacted = match dtype.to_physical() {
        DataType::UInt32 => compacted_numbers(series.take_inner::<UInt32Type>(), runs, kept)?.into_column(),
        DataType::Int32 => {
            let physical = series.to_physical_repr().into_owned();
            drop(series);
            compacted_numbers(physical.take_inner::<Int32Type>(), runs, kept)?.into_column()
        }
        DataType::UInt64 => compacted_numbers(series.take_inner::<UInt64Type>(), runs, kept)?.into_column(),
        DataType::Float64 => compacted_numbers(series.take_inner::<Float64Type>(), runs, kept)?.into_column(),
        DataType::String => compacted_text(series.take_inner::<StringType>(), runs, kept)?.into_column(),
        _ => return kept.column(&series.into_column()),
    };
    compacted.with_name(name).cast(&dtype)
}

/// A one-array number column's kept rows: in place if nothing else holds
/// its values, else copied.
fn compacted_numbers<T: PolarsNumericType>(
    numbers: ChunkedArray<T>,
    runs: &[(usize, usize)],
    kept: &Kept,
) -> PolarsResult<ChunkedArray<T>> {
    let name = numbers.name().clone();
    let sorted = numbers.is_sorted_flag();
    let array = numbers.downcast_into_iter().next().expect("one chunk");
    let (dtype, values, validity) = array.into_inner();
    let mut values = match values.into_mut() {
        polars_arrow::Either::Right(values) => values,
        polars_arrow::Either::Left(shared) => {
            let array = polars_arrow::array::PrimitiveArray::new(dtype, shared, validity);
            return Ok(kept.numbers(&ChunkedArray::with_chunk(name, array)));
        }
    };
    compact(&mut values, runs);
    let mut picked = ChunkedArray::from_vec_validity(name, values, kept_validity(validity, runs));
    picked.set_sorted_flag(sorted);
    Ok(picked)
}

/// A one-array text column's kept rows: its views moved in place if nothing
/// else holds them, else copied; the text stays where it is.
fn compacted_text(text: StringChunked, runs: &[(usize, usize)], kept: &Kept) -> PolarsResult<StringChunked> {
    let name = text.name().clone();
    let sorted = text.is_sorted_flag();
    let array = text.downcast_into_iter().next().expect("one chunk");
    let (views, buffers, validity, ..) = array.into_inner();
    let mut views = match views.into_mut() {
        polars_arrow::Either::Right(views) => views,
        polars_arrow::Either::Left(shared) => {
            let buffers: Vec<_> = buffers.iter().cloned().collect();
            // SAFETY: the views and buffers of one array, as they were.
            let shared = unsafe { text_column(name, shared, buffers, validity) };
            return Ok(kept.text(&shared));
        }
    };
    compact(&mut views, runs);
    let buffers: Vec<_> = buffers.iter().cloned().collect();
    // SAFETY: the array's own views, moved down, and its own buffers.
    let mut picked = unsafe { text_column(name, views, buffers, kept_validity(validity, runs)) };
    picked.set_sorted_flag(sorted);
    Ok(picked)
}

/// `values` with the rows of `runs` moved down to follow one another.
fn compact<T: Copy>(values: &mut Vec<T>, runs: &[(usize, usize)]) {
    let mut at = 0;
    for &(start, len) in runs {
        if start != at {
            values.copy_within(start..start + len, at);
        }
        at += len;
    }
    values.truncate(at);
}

/// The validity of the rows of `runs`.
fn kept_validity(validity: Option<Bitmap>, runs: &[(usize, usize)]) -> Option<Bitmap> {
    let validity = validity?;
    let mut valid = MutableBitmap::with_capacity(runs.iter().map(|(_, len)| len).sum());
    for &(start, len) in runs {
        extend_validity(&mut valid, Some(&validity), start, len);
    }
    self::validity(valid)
}

/// The rows a filter keeps, and the columns it picks them from: each into
/// one array, the kept values copied once, straight into place. Filtering
/// chunk by chunk and then joining the pieces would hold the kept values
/// twice for a moment, on each of two threads at once: at 16 bytes a row
/// for a text column, that was a big run's peak.
struct Kept<'a> {
    /// As given, for the columns polars' own filter picks from.
    keep: &'a BooleanChunked,
    /// The rows kept (a null mark drops its row, as in polars' filter).
    rows: Bitmap,
}

impl<'a> Kept<'a> {
    fn new(keep: &'a BooleanChunked) -> Self {
        Kept { keep, rows: keep.iter().map(|k| k == Some(true)).collect::<MutableBitmap>().into() }
    }

    fn height(&self) -> usize {
        self.rows.set_bits()
    }

    fn column(&self, column: &Column) -> PolarsResult<Column> {
        Ok(match (column, column.dtype()) {
            // A constant is the same value whatever the rows.
            (Column::Scalar(_), _) => column.filter(self.keep)?,
            (_, DataType::String) => self.text(column.str()?).into_column(),
            (_, DataType::Int32) => self.numbers(column.i32()?).into_column(),
            (_, DataType::UInt32) => self.numbers(column.u32()?).into_column(),
            (_, DataType::UInt64) => self.numbers(column.u64()?).into_column(),
            (_, DataType::Float64) => self.numbers(column.f64()?).into_column(),
            // A date is its day number.
            (_, DataType::Date) => self.numbers(column.date()?.physical()).into_date().into_column(),
            _ => column.filter(self.keep)?.rechunk(),
        })
    }

    /// Each of `chunks` that keeps a row, with its runs of kept rows as
    /// (start, length) within it.
    fn runs<'c, A: Array>(
        &'c self,
        chunks: impl Iterator<Item = &'c A> + 'c,
    ) -> impl Iterator<Item = (&'c A, Vec<(usize, usize)>)> + 'c {
        chunks
            .scan(0, |first_row, chunk| {
                let rows = self.rows.clone().sliced(*first_row, chunk.len());
                *first_row += chunk.len();
                Some((chunk, SlicesIterator::new(&rows).collect::<Vec<_>>()))
            })
            .filter(|(_, runs)| !runs.is_empty())
    }

    /// A number column's kept rows as one array.
    fn numbers<T: PolarsNumericType>(&self, numbers: &ChunkedArray<T>) -> ChunkedArray<T> {
        let mut values: Vec<T::Native> = Vec::with_capacity(self.height());
        let mut valid = MutableBitmap::with_capacity(self.height());
        for (chunk, runs) in self.runs(numbers.downcast_iter()) {
            for (start, len) in runs {
                values.extend_from_slice(&chunk.values()[start..start + len]);
                extend_validity(&mut valid, chunk.validity(), start, len);
            }
        }
        let mut picked = ChunkedArray::from_vec_validity(numbers.name().clone(), values, validity(valid));
        // Rows picked in order from sorted rows are sorted (as polars' filter keeps it).
        picked.set_sorted_flag(numbers.is_sorted_flag());
        picked
    }

    /// A text column's kept rows as one array: the views copied, the text
    /// left where it is (each chunk's buffers shared).
    fn text(&self, text: &StringChunked) -> StringChunked {
        let mut views: Vec<View> = Vec::with_capacity(self.height());
        let mut valid = MutableBitmap::with_capacity(self.height());
        let mut buffers = Vec::new();
        for (chunk, runs) in self.runs(text.downcast_iter()) {
            // A view's buffer is counted among its chunk's buffers: these
            // now follow the earlier chunks' buffers.
            let first_buffer = buffers.len() as u32;
            buffers.extend(chunk.data_buffers().iter().cloned());
            for (start, len) in runs {
                views.extend(
                    chunk.views()[start..start + len].iter().map(|&view| renumbered(view, first_buffer)),
                );
                extend_validity(&mut valid, chunk.validity(), start, len);
            }
        }
        // SAFETY: every view is a view of its own chunk, its buffer
        // renumbered to where that chunk's buffers now start.
        let mut picked = unsafe { text_column(text.name().clone(), views, buffers, validity(valid)) };
        picked.set_sorted_flag(text.is_sorted_flag());
        picked
    }
}

/// Rows `start..start + len` of a chunk's validity (all valid when it has none).
fn extend_validity(valid: &mut MutableBitmap, chunk: Option<&Bitmap>, start: usize, len: usize) {
    match chunk {
        Some(validity) => valid.extend_from_bitmap(&validity.clone().sliced(start, len)),
        None => valid.extend_constant(len, true),
    }
}

/// A validity with no null as none at all, as polars' own arrays have it.
fn validity(valid: MutableBitmap) -> Option<Bitmap> {
    let valid: Bitmap = valid.into();
    (valid.unset_bits() > 0).then_some(valid)
}

/// Call `f` with each row where `mask` is true (not false, not null), in
/// order: found by the mask's set bits, a word of them at a time, where a
/// row-by-row read of the mask costs every row.
pub fn each_true_row(mask: &BooleanChunked, mut f: impl FnMut(usize)) {
    let mut offset = 0;
    for array in mask.downcast_iter() {
        let set = match array.validity() {
            Some(validity) => array.values() & validity,
            None => array.values().clone(),
        };
        for row in polars_arrow::bitmap::iterator::TrueIdxIter::new(set.len(), Some(&set)) {
            f(offset + row);
        }
        offset += array.len();
    }
}

/// `frame` with text columns that hold only their own rows' bytes. A text
/// column picked from a chunk still points into the text of every row of the
/// chunk: a few faulty rows kept until the end would keep the whole export's
/// text (personal-data columns included) in memory.
pub fn compacted(frame: DataFrame) -> Result<DataFrame> {
    let height = frame.height();
    let columns = frame
        .into_columns()
        .into_iter()
        .map(|c| match c.dtype() {
            DataType::String => {
                let own = c.str()?.downcast_iter().map(|a| a.clone().gc());
                Ok(StringChunked::from_chunk_iter(c.name().clone(), own).into_column())
            }
            _ => Ok(c),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DataFrame::new(height, columns)?)
}

#[cfg(test)]
mod tests {
    use polars_arrow::array::BooleanArray;

    use super::*;

    /// The machines this runs on (glibc 2.33 or later, linked dynamically)
    /// say how much the allocator holds free, so a run of modest size keeps
    /// it rather than trimming at every call.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn the_allocator_says_how_much_it_holds_free() {
        assert!(held_free().is_some());
    }

    /// The rows where a mask is true, across its chunks, with a null taken
    /// as false: as reading it row by row finds them.
    #[test]
    fn each_row_where_a_mask_holds_is_given_in_order() {
        let cells = [Some(true), None, Some(false), Some(true), Some(true), None, Some(false), Some(true)];
        let mut mask = BooleanChunked::new("m".into(), &cells[..3]);
        mask.append(&BooleanChunked::new("m".into(), &cells[3..])).unwrap();
        assert_eq!(mask.chunks().len(), 2);
        let mut rows = Vec::new();
        each_true_row(&mask, |row| rows.push(row));
        let by_row: Vec<usize> =
            mask.iter().enumerate().filter(|(_, m)| *m == Some(true)).map(|(i, _)| i).collect();
        assert_eq!(rows, by_row);
        assert_eq!(rows, [0, 3, 4, 7]);
        let mut none = Vec::new();
        each_true_row(&BooleanChunked::new("m".into(), [None::<bool>, Some(false)]), |row| none.push(row));
        assert!(none.is_empty());
        // A null whose value bit is set, and a mask sliced off a byte's edge.
        let values = Bitmap::from([true; 10]);
        let validity = Bitmap::from([true, false, true, true, false, true, true, true, false, true]);
        let array = BooleanArray::new(ArrowDataType::Boolean, values, Some(validity));
        let nulls_set = BooleanChunked::with_chunk("m".into(), array);
        for mask in [nulls_set.clone(), nulls_set.slice(3, 6)] {
            let mut rows = Vec::new();
            each_true_row(&mask, |row| rows.push(row));
            let by_row: Vec<usize> =
                mask.iter().enumerate().filter(|(_, m)| *m == Some(true)).map(|(i, _)| i).collect();
            assert_eq!(rows, by_row);
        }
        let mut sliced = Vec::new();
        each_true_row(&nulls_set.slice(3, 6), |row| sliced.push(row));
        assert_eq!(sliced, [0, 2, 3, 4]);
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
        assert_eq!(bytes_outside_views(&text), 250 * (long.len() + 27));
        assert_eq!(bytes_outside_views(&out), long.len() + 27);
    }

    /// A column already holding less than a byte a row outside its views
    /// (a long value stored once, as the walk stores it) is kept as it is,
    /// its buffers shared, not copied; one holding more bytes than rows is
    /// interned.
    #[test]
    fn a_column_already_stored_compactly_is_not_interned_again() {
        let long = "Repairs and maintenance (responsive)";
        let values: Vec<Option<&str>> = (0..100).map(|i| [Some(long), None, Some("ASB")][i % 3]).collect();
        let once = stored_once("service_area".into(), values.iter().copied());
        assert_eq!(bytes_outside_views(&once), long.len());
        let out = interned(&once);
        assert_eq!(out.iter().collect::<Vec<_>>(), values);
        let buffer = |t: &StringChunked| t.downcast_iter().next().unwrap().data_buffers()[0].as_ptr();
        assert_eq!(buffer(&out), buffer(&once), "the same buffer, not a copy");

        let rows = long.len() - 1;
        let copies = vec![Some(long), Some(long)].into_iter().chain(std::iter::repeat_n(None, rows - 2));
        let stored_twice = StringChunked::from_iter_options("service_area".into(), copies);
        assert_eq!((stored_twice.len(), bytes_outside_views(&stored_twice)), (rows, 2 * long.len()));
        assert_eq!(bytes_outside_views(&interned(&stored_twice)), long.len());
    }

    /// A long value that repeats is stored once, every row's view pointing
    /// at it, so codes find each row by its view.
    #[test]
    fn stored_once_stores_a_repeated_long_value_once() {
        let long = "Repairs and maintenance (responsive)";
        let values: Vec<Option<&str>> = (0..100).map(|i| [Some(long), None, Some("ASB")][i % 3]).collect();
        let once = stored_once("service_area".into(), values.iter().copied());
        assert_eq!(once.iter().collect::<Vec<_>>(), values);
        assert_eq!(once.name().as_str(), "service_area");
        assert_eq!(bytes_outside_views(&once), long.len());
        let views = once.downcast_iter().next().unwrap().views();
        assert!(views.iter().step_by(3).all(|v| *v == views[0]));
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

    /// Positions in order of first appearance, by the text alone.
    fn first_appearance(text: &StringChunked) -> Vec<Option<IdxSize>> {
        let mut seen: std::collections::HashMap<&str, IdxSize> = Default::default();
        text.iter()
            .map(|v| {
                v.map(|v| {
                    let next = seen.len() as IdxSize;
                    *seen.entry(v).or_insert(next)
                })
            })
            .collect()
    }

    #[test]
    fn codes_are_by_text_whatever_the_views_and_chunks() {
        let long = |i: usize| format!("a value long enough to live in the buffer, number {i}");
        let values: Vec<Option<String>> = (0..12_000)
            .map(|i| {
                (i % 7 != 0).then(|| if i % 3 == 0 { format!("short {}", i % 5) } else { long(i % 5000) })
            })
            .collect();
        let chunk = |range: std::ops::Range<usize>| {
            StringChunked::from_iter_options("v".into(), values[range].iter().map(|v| v.as_deref()))
        };
        // Interned (equal values share a view), then as read (one view a row,
        // more distinct views than there are slots), then interned again.
        let mut text = interned(&chunk(0..3000));
        text.append(&chunk(3000..11_000)).unwrap();
        text.append(&interned(&chunk(11_000..12_000))).unwrap();
        assert_eq!(text.chunks().len(), 3);
        let as_read = text.downcast_iter().nth(1).unwrap();
        let views: std::collections::HashSet<u128> = as_read.views().iter().map(|v| v.as_u128()).collect();
        assert!(views.len() > 1 << VIEW_SLOTS_BITS, "{} views", views.len());
        let (at, dictionary) = codes(&text);
        assert_eq!(at.iter().collect::<Vec<_>>(), first_appearance(&text));
        assert_eq!(dictionary.decode(&at).iter().collect::<Vec<_>>(), text.iter().collect::<Vec<_>>());
    }

    #[test]
    fn a_compacted_frame_holds_only_its_own_rows_text() {
        let text: Vec<String> =
            (0..100).map(|i| format!("row {i} of a chunk, long enough not to be inline")).collect();
        let chunk = df!("note" => text.clone(), "n" => (0..100).collect::<Vec<i32>>()).unwrap();
        let two = chunk.filter(&(0..100).map(|i| i == 3 || i == 70).collect::<BooleanChunked>()).unwrap();
        let held = |f: &DataFrame| bytes_outside_views(f.column("note").unwrap().str().unwrap());
        assert_eq!(held(&two), held(&chunk), "a filter alone keeps the whole chunk's text");
        let own = compacted(two).unwrap();
        assert_eq!(held(&own), text[3].len() + text[70].len());
        let notes: Vec<Option<&str>> = own.column("note").unwrap().str().unwrap().iter().collect();
        assert_eq!(notes, [Some(text[3].as_str()), Some(text[70].as_str())]);
        assert_eq!(own.column("n").unwrap().i32().unwrap().iter().collect::<Vec<_>>(), [Some(3), Some(70)]);
    }

    #[test]
    fn filtering_by_column_keeps_the_rows_marked_in_every_column() {
        let frame = df!("a" => [1, 2, 3, 4], "b" => ["w", "x", "y", "z"]).unwrap();
        let keep: BooleanChunked = [true, false, false, true].into_iter().collect();
        let kept = filter_by_column(frame, &keep).unwrap();
        assert_eq!(kept.height(), 2);
        assert_eq!(kept.column("a").unwrap().i32().unwrap().iter().collect::<Vec<_>>(), [Some(1), Some(4)]);
        assert_eq!(
            kept.column("b").unwrap().str().unwrap().iter().collect::<Vec<_>>(),
            [Some("w"), Some("z")]
        );
    }

    #[test]
    fn a_text_column_of_many_chunks_is_filtered_into_one_sharing_its_text() {
        // Long enough that a chunk's text fills more than one buffer.
        let long = |i: usize| format!("{} number {i}", "a value long enough to live in a buffer ".repeat(5));
        let value = |i: usize| match i % 5 {
            0 => None,
            1 => Some(format!("short {i}")),
            _ => Some(long(i)),
        };
        let values: Vec<Option<String>> = (0..300).map(value).collect();
        let chunk = |v: &[Option<String>]| {
            StringChunked::from_iter_options("note".into(), v.iter().map(|v| v.as_deref()))
        };
        // Chunks of different lengths, each with buffers of its own, and one
        // with no nulls.
        let bounds = [0, 7, 120, 121, 200, 300];
        let mut text = chunk(&values[..0]);
        for w in bounds.windows(2) {
            text.append(&chunk(&values[w[0]..w[1]])).unwrap();
        }
        text.append(&StringChunked::from_iter_values(
            "note".into(),
            ["no nulls in this chunk, and long"; 20].into_iter(),
        ))
        .unwrap();
        assert!(text.chunks().len() > 5);
        assert!(text.downcast_iter().last().unwrap().validity().is_none());
        assert!(text.downcast_iter().any(|chunk| chunk.data_buffers().len() > 1));
        // Runs kept and dropped across chunk ends; a null mark drops its row.
        let keep: BooleanChunked = (0..text.len())
            .map(|i| match i % 11 {
                3 => None,
                4..=6 => Some(false),
                _ => Some(i != 120),
            })
            .collect();
        let height = keep.sum().unwrap() as usize;
        let filtered = Kept::new(&keep).text(&text);
        assert_eq!(filtered.chunks().len(), 1);
        let expected = text.filter(&keep).unwrap();
        assert_eq!(filtered.len(), height);
        assert_eq!(filtered.iter().collect::<Vec<_>>(), expected.iter().collect::<Vec<_>>());
        assert_eq!(filtered.null_count(), expected.null_count());
        assert_eq!(
            bytes_outside_views(&filtered),
            bytes_outside_views(&text),
            "the text is shared, not copied"
        );
    }

    #[test]
    fn columns_of_every_kind_and_many_chunks_are_filtered_into_one() {
        let piece = |from: i32, to: i32| {
            df!(
                "stage" => (from..to).map(|i| (i % 4 != 0).then_some(i % 3)).collect::<Vec<_>>(),
                "household" => (from..to).map(|i| (i % 5 != 0).then_some(i as u64 * 7919)).collect::<Vec<_>>(),
                "compensation" => (from..to).map(|i| i as f64 / 4.0).collect::<Vec<_>>(),
                "urgent" => (from..to).map(|i| (i % 6 != 0).then_some(i % 2 == 0)).collect::<Vec<_>>(),
                "row" => (from..to).map(|i| i as u32).collect::<Vec<_>>(),
                "channel" => (from..to).map(|i| (i % 8 != 0).then(|| format!("channel {}", i % 3))).collect::<Vec<_>>(),
            )
            .unwrap()
            .lazy()
            .with_column(col("stage").cast(DataType::Date).alias("received"))
            .collect()
            .unwrap()
        };
        let mut frame = piece(0, 9);
        for (from, to) in [(9, 40), (40, 41), (41, 100)] {
            frame.vstack_mut_owned(piece(from, to)).unwrap();
        }
        // Row numbers are in order, and stay so.
        frame
            .apply("row", |row| {
                row.u32().unwrap().clone().with_sorted_flag(polars::series::IsSorted::Ascending).into_series()
            })
            .unwrap();
        assert_eq!(frame.column("household").unwrap().n_chunks(), 4);
        let keep: BooleanChunked = (0..100).map(|i| (i % 9 != 2).then_some(i % 7 > 1)).collect();
        let expected = frame.filter(&keep).unwrap();
        let kept = filter_by_column(frame, &keep).unwrap();
        assert!(kept.columns().iter().all(|c| c.n_chunks() == 1));
        assert_eq!(kept.dtypes(), expected.dtypes());
        assert!(kept.equals_missing(&expected), "{kept}\n{expected}");
        assert_eq!(
            kept.column("row").unwrap().u32().unwrap().is_sorted_flag(),
            polars::series::IsSorted::Ascending
        );
    }

    /// A chunk of every kind of column the checks hand on: numbers, dates,
    /// flags, a constant, and text short (inline in its view) and long (in
    /// the chunk's buffers), with nulls.
    fn checked_chunk(from: i32, to: i32, file: u32) -> DataFrame {
        let long = |i: i32| format!("{} {i}", "a value long enough to live in a buffer".repeat(3));
        let frame = df!(
            "row" => (from..to).map(|i| i as u32).collect::<Vec<_>>(),
            "stage" => (from..to).map(|i| (i % 4 != 0).then_some(i % 3)).collect::<Vec<_>>(),
            "household" => (from..to).map(|i| (i % 5 != 0).then_some(i as u64 * 7919)).collect::<Vec<_>>(),
            "compensation" => (from..to).map(|i| (i % 7 != 0).then_some(i as f64 / 4.0)).collect::<Vec<_>>(),
            "has_error" => (from..to).map(|i| i % 6 == 0).collect::<Vec<_>>(),
            "note" => (from..to).map(|i| match i % 3 { 0 => None, 1 => Some(format!("short {}", i % 9)), _ => Some(long(i)) }).collect::<Vec<_>>(),
        )
        .unwrap();
        let mut frame =
            frame.lazy().with_column(col("stage").cast(DataType::Date).alias("received")).collect().unwrap();
        frame
            .insert_column(0, Column::new_scalar(FILE_NAME.into(), Scalar::from(file), frame.height()))
            .unwrap();
        frame
    }

    const FILE_NAME: &str = "file_id";

    /// Chunks of `bounds`, the file changing part way.
    fn chunks(bounds: &[i32]) -> Vec<DataFrame> {
        bounds.windows(2).map(|w| checked_chunk(w[0], w[1], u32::from(w[0] >= 40))).collect()
    }

    fn gathered(chunks: &[DataFrame]) -> DataFrame {
        let mut gathered = Gathered::default();
        for chunk in chunks {
            gathered.push(chunk.clone()).unwrap();
        }
        gathered.into_frame().unwrap()
    }

    fn stacked(chunks: &[DataFrame]) -> DataFrame {
        let mut frame = chunks[0].clone();
        for chunk in &chunks[1..] {
            frame.vstack_mut(chunk).unwrap();
        }
        frame
    }

    #[test]
    fn gathered_chunks_are_the_chunks_stacked_in_one_array_each() {
        let chunks = chunks(&[0, 9, 40, 41, 100]);
        let gathered = gathered(&chunks);
        let expected = stacked(&chunks);
        assert_eq!(gathered.dtypes(), expected.dtypes());
        assert!(gathered.equals_missing(&expected), "{gathered}\n{expected}");
        assert!(gathered.columns().iter().filter(|c| c.name() != "has_error").all(|c| c.n_chunks() == 1));
        let note = gathered.column("note").unwrap().str().unwrap();
        assert_eq!(
            bytes_outside_views(note),
            bytes_outside_views(expected.column("note").unwrap().str().unwrap())
        );
    }

    #[test]
    fn one_files_number_stays_one_value_until_another_file_comes() {
        let one_file = gathered(&chunks(&[0, 9, 30]));
        assert!(matches!(one_file.column(FILE_NAME).unwrap(), Column::Scalar(_)));
        assert!(one_file.equals_missing(&stacked(&chunks(&[0, 9, 30]))));
        let two_files = gathered(&chunks(&[0, 9, 40, 41]));
        let files: Vec<Option<u32>> = two_files.column(FILE_NAME).unwrap().u32().unwrap().iter().collect();
        assert_eq!(files, [vec![Some(0); 40], vec![Some(1)]].concat());
    }

    #[test]
    fn a_chunk_with_other_columns_is_refused_as_stacking_would() {
        let mut gathered = Gathered::default();
        gathered.push(checked_chunk(0, 10, 0)).unwrap();
        let renamed = checked_chunk(10, 20, 0).rename("note", "notes".into()).unwrap().clone();
        assert!(gathered.push(renamed).is_err());
        let retyped = checked_chunk(10, 20, 0)
            .lazy()
            .with_column(col("stage").cast(DataType::Float64))
            .collect()
            .unwrap();
        assert!(gathered.push(retyped).is_err());
        assert!(gathered.push(checked_chunk(10, 20, 0).drop("note").unwrap()).is_err());
    }

    #[test]
    fn filtering_in_place_keeps_what_a_filter_keeps() {
        let chunks = chunks(&[0, 9, 40, 41, 100]);
        // The first and last rows dropped, runs kept and dropped across the
        // chunks' ends, and a null mark, which drops its row.
        let keep: BooleanChunked =
            (0..100).map(|i| (i % 9 != 2).then_some(i % 7 > 1 && i != 0 && i != 99)).collect();
        let expected = stacked(&chunks).filter(&keep).unwrap();
        let frame = gathered(&chunks);
        let at = |frame: &DataFrame| {
            let stage = frame
                .column("stage")
                .unwrap()
                .i32()
                .unwrap()
                .downcast_iter()
                .next()
                .unwrap()
                .values()
                .storage_ptr();
            let note = frame
                .column("note")
                .unwrap()
                .str()
                .unwrap()
                .downcast_iter()
                .next()
                .unwrap()
                .views()
                .storage_ptr();
            (stage as usize, note as usize)
        };
        let before = at(&frame);
        let kept = filter_in_place(frame, &keep).unwrap();
        assert_eq!(kept.dtypes(), expected.dtypes());
        assert!(kept.equals_missing(&expected), "{kept}\n{expected}");
        assert_eq!(at(&kept), before, "the values were moved within their own arrays");
        // Every row kept, and none.
        let all = gathered(&chunks);
        let every: BooleanChunked = (0..100).map(|_| true).collect();
        assert!(filter_in_place(all.clone(), &every).unwrap().equals_missing(&all));
        let none: BooleanChunked = (0..100).map(|_| false).collect();
        assert_eq!(filter_in_place(all, &none).unwrap().height(), 0);
    }

    #[test]
    fn a_column_held_elsewhere_is_copied_not_changed_in_place() {
        let chunks = chunks(&[0, 30, 100]);
        let frame = gathered(&chunks);
        let held = (frame.column("stage").unwrap().clone(), frame.column("note").unwrap().clone());
        let keep: BooleanChunked = (0..100).map(|i| Some(i % 3 != 1)).collect();
        let expected = frame.filter(&keep).unwrap();
        let kept = filter_in_place(frame, &keep).unwrap();
        assert!(kept.equals_missing(&expected));
        let stacked = stacked(&chunks);
        assert!(
            held.0.equals_missing(stacked.column("stage").unwrap()),
            "the held stage column is untouched"
        );
        assert!(held.1.equals_missing(stacked.column("note").unwrap()), "the held note column is untouched");
    }

    proptest::proptest! {
        #[test]
        fn filtering_gathered_chunks_in_place_is_filtering_them_stacked(
            lengths in proptest::collection::vec(0i32..40, 1..6),
            marks in proptest::collection::vec(proptest::option::of(proptest::bool::ANY), 200),
        ) {
            let mut bounds = vec![0];
            for length in lengths {
                bounds.push(bounds.last().unwrap() + length);
            }
            let chunks = chunks(&bounds);
            let height = *bounds.last().unwrap() as usize;
            let keep: BooleanChunked = marks[..height].iter().copied().collect();
            let expected = stacked(&chunks).filter(&keep).unwrap();
            let kept = filter_in_place(gathered(&chunks), &keep).unwrap();
            proptest::prop_assert!(kept.equals_missing(&expected), "{}\n{}", kept, expected);
        }
    }
}
