//! Where a CSV export's bytes come from: a file mapped into memory and read
//! where it lies, or any other reader, copied into a block as it is read.
//!
//! Reading a file copies every byte from the system's cache into the
//! process: at a million rows that copy took about a quarter of a second
//! of the reading thread, which waits for nothing else. A mapped file is
//! read in place. Its pages are let go as the chunks are used, so a mapped
//! file holds no more memory than the block it replaces.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The bytes of an export not yet used, in a window that grows on request.
pub(super) trait Window {
    /// Make at least `want` bytes available, unless the input ends first;
    /// true when every byte of the input is available.
    fn fill(&mut self, path: &Path, want: usize) -> Result<bool>;
    /// The bytes available and not yet used.
    fn bytes(&self) -> &[u8];
    /// Mark the first `n` available bytes as used.
    fn consume(&mut self, n: usize);
}

/// A reader's bytes, copied into a block.
pub(super) struct Copied<R> {
    reader: R,
    block: Vec<u8>,
}

impl<R: Read> Copied<R> {
    pub fn new(reader: R) -> Self {
        Copied { reader, block: Vec::new() }
    }
}

impl<R: Read> Window for Copied<R> {
    fn fill(&mut self, path: &Path, want: usize) -> Result<bool> {
        let missing = want.saturating_sub(self.block.len());
        if missing == 0 {
            return Ok(false);
        }
        // Memory is taken as the bytes arrive, so a small export does not
        // pay for a whole chunk.
        self.block.reserve_exact(missing);
        let read = (&mut self.reader)
            .take(missing as u64)
            .read_to_end(&mut self.block)
            .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
        Ok(read < missing)
    }

    fn bytes(&self) -> &[u8] {
        &self.block
    }

    fn consume(&mut self, n: usize) {
        self.block.drain(..n);
    }
}

/// A file's bytes, mapped into memory.
pub(super) struct Mapped {
    map: memmap2::Mmap,
    /// The first byte not yet used.
    start: usize,
    /// The end of the bytes made available.
    end: usize,
    /// The pages before this have been let go.
    released: usize,
}

/// Pages are let go in steps of this many bytes (a multiple of any page size).
const RELEASE_STEP: usize = 1 << 20;

impl Mapped {
    /// `file` mapped, or None where it cannot be (not a regular file, say,
    /// or empty), for the caller to read it instead.
    pub fn new(file: &std::fs::File) -> Option<Mapped> {
        let metadata = file.metadata().ok()?;
        if !metadata.is_file() || metadata.len() == 0 {
            return None;
        }
        stop_cleanly_if_the_file_shrinks();
        // SAFETY: the map is only read. Another program shortening the file
        // while it is mapped would fault the next read of a lost page; that
        // signal is turned into a message and an input error's exit code
        // (see `stop_cleanly_if_the_file_shrinks`). A change in place
        // reads as the bytes written, as a read of the file would.
        let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
        let _ = map.advise(memmap2::Advice::Sequential);
        Some(Mapped { map, start: 0, end: 0, released: 0 })
    }
}

impl Window for Mapped {
    fn fill(&mut self, _path: &Path, want: usize) -> Result<bool> {
        self.end = self.end.max(self.start.saturating_add(want).min(self.map.len()));
        Ok(self.end == self.map.len())
    }

    fn bytes(&self) -> &[u8] {
        &self.map[self.start..self.end]
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        let used = self.start / RELEASE_STEP * RELEASE_STEP;
        if used > self.released {
            // SAFETY: the pages before `start` are never read again, and a
            // file's pages let go are read back from the file if they were.
            let _ = unsafe {
                self.map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    self.released,
                    used - self.released,
                )
            };
            self.released = used;
        }
    }
}

/// The exit code and message when a mapped export gets shorter while it is
/// read: the next read of a lost page raises SIGBUS, which would otherwise
/// end the run with no word of why.
#[cfg(unix)]
fn stop_cleanly_if_the_file_shrinks() {
    extern "C" fn shrunk(_: libc::c_int) {
        const MESSAGE: &[u8] = b"redress: error: an export got shorter while it was read (another program is writing it?): nothing was written; run again once the export is complete\n";
        // SAFETY: write and _exit are safe to call in a signal handler.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(crate::error::exit::INPUT);
        }
    }
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let handler: extern "C" fn(libc::c_int) = shrunk;
        // SAFETY: the handler calls only async-signal-safe functions.
        unsafe { libc::signal(libc::SIGBUS, handler as libc::sighandler_t) };
    });
}

#[cfg(not(unix))]
fn stop_cleanly_if_the_file_shrinks() {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of `window`, `want` at a time, each step using all but
    /// the last `keep` bytes it was given.
    fn walked(mut window: impl Window, want: usize, keep: usize) -> Vec<u8> {
        let mut seen = Vec::new();
        loop {
            let eof = window.fill(Path::new("t.csv"), want).unwrap();
            let used = if eof { window.bytes().len() } else { window.bytes().len().saturating_sub(keep) };
            seen.extend_from_slice(&window.bytes()[..used]);
            window.consume(used);
            if eof {
                return seen;
            }
        }
    }

    #[test]
    fn a_mapped_file_gives_the_bytes_a_reader_gives_and_lets_its_pages_go() {
        let bytes: Vec<u8> = (0..3 * RELEASE_STEP + 12_345).map(|i| (i * 7 % 251) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, &bytes).unwrap();
        for (want, keep) in [(1, 0), (4096, 100), (RELEASE_STEP - 1, 7), (10 * RELEASE_STEP, 0)] {
            assert_eq!(walked(Copied::new(bytes.as_slice()), want, keep), bytes);
            let mapped = Mapped::new(&file).expect("a regular file is mapped");
            assert_eq!(walked(mapped, want, keep), bytes, "{want} at a time");
        }
        let mut mapped = Mapped::new(&file).unwrap();
        mapped.fill(Path::new("t.csv"), 2 * RELEASE_STEP + 10).unwrap();
        mapped.consume(2 * RELEASE_STEP + 3);
        assert_eq!(mapped.released, 2 * RELEASE_STEP);
        assert_eq!(mapped.bytes(), &bytes[2 * RELEASE_STEP + 3..2 * RELEASE_STEP + 10]);
    }

    #[test]
    fn an_empty_file_is_read_not_mapped() {
        assert!(Mapped::new(&tempfile::tempfile().unwrap()).is_none());
    }

    /// Run in a child process of the test binary (it ends that process).
    const CHILD: &str = "REDRESS_TEST_SHRINKING_EXPORT";

    #[cfg(unix)]
    #[test]
    fn an_export_that_gets_shorter_while_mapped_stops_the_run_with_an_input_error() {
        if std::env::var_os(CHILD).is_some() {
            let mut file = tempfile::tempfile().unwrap();
            std::io::Write::write_all(&mut file, &vec![b'x'; 1 << 20]).unwrap();
            let mut mapped = Mapped::new(&file).unwrap();
            mapped.fill(Path::new("t.csv"), 1 << 20).unwrap();
            file.set_len(0).unwrap();
            let last = std::hint::black_box(mapped.bytes()[(1 << 20) - 1]);
            panic!("read {last} from a page the file no longer has");
        }
        let name = "ingest::source::tests::an_export_that_gets_shorter_while_mapped_stops_the_run_with_an_input_error";
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", name, "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&child.stderr);
        assert_eq!(child.status.code(), Some(crate::error::exit::INPUT), "{stderr}");
        assert!(stderr.contains("an export got shorter while it was read"), "{stderr}");
    }
}
