//! SHA-256 checksums, as run.json records every input and the config, and
//! as `sha256sum` prints them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sha2::Digest;

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

/// A digest as lower-case hexadecimal.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A checksum taken as the bytes arrive, so a big export is never held whole
/// to be hashed.
#[derive(Default, Clone)]
pub struct Sha256(sha2::Sha256);

impl Sha256 {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// A file's length and time of change, read from its open handle; None for
/// what is not a regular file (a pipe's time moves as it is written to).
pub type Stamp = Option<(u64, Option<std::time::SystemTime>)>;

pub fn stamp(file: &std::fs::File) -> Stamp {
    file.metadata().ok().filter(|m| m.is_file()).map(|m| (m.len(), m.modified().ok()))
}

/// A regular file's checksum, taken on a thread of its own that reads the
/// file a second time (mostly from the page cache, beside or just behind
/// the parse) at the lowest priority there is (Linux's `SCHED_IDLE`): it
/// runs only on a core nothing else wants. Taken beside each chunk's parse,
/// as before, the checksum competed with the parse and the checks for the
/// two cores; the run leaves a core idle for about a third of its time
/// after the read, which is enough for it.
///
/// The thread publishes the hash so far after each block. Whoever needs the
/// checksum ([`Pending::wait`]) takes it from there and hashes the rest
/// itself, at its own priority: an unprivileged process can lower a
/// thread's priority but not raise it again, so a busy machine must not be
/// left to decide when an idle thread finishes. Nor does the waiter ever
/// wait on the thread's lock (an idle thread stopped while holding it may
/// not run again for seconds on a busy machine): if the lock is held, it
/// hashes the file from the start. The file is stamped again
/// once hashed: a change since `before` (the stamp taken before the parse)
/// is an error, as the bytes hashed might not be those parsed. Dropped
/// unwaited-for (a run that stops early), the thread stops at its next
/// block. `validate`, which records no checksum, starts none
/// ([`crate::ingest::Checksums`]).
#[derive(Clone)]
pub struct Pending(Arc<Owner>);

/// The waiting side's hold on the hash, and the checksum once waited for;
/// dropping the last one stops the thread.
struct Owner {
    shared: Arc<Shared>,
    hashed: std::sync::OnceLock<Hashed>,
}

struct Shared {
    file: std::fs::File,
    before: Stamp,
    /// Taken over by a waiter (or given up): the thread stops.
    taken: AtomicBool,
    progress: Mutex<Progress>,
}

/// The hash as far as the thread has taken it.
struct Progress {
    hasher: Sha256,
    /// The bytes hashed.
    at: u64,
    /// The thread hashed the whole file (or could not read it).
    done: Option<Hashed>,
}

type Hashed = std::result::Result<String, String>;

/// How much of the file is read and hashed at a time: small enough that the
/// copy out of the page cache lands in the core's own cache, where SHA-256
/// reads it straight back. With 1 MiB blocks the copy went out to memory:
/// a 1M-row run spent 0.12 system CPU-seconds more (0.74 against 0.62,
/// medians of fifteen alternating runs), for no change in wall time, as
/// the checksum runs at idle priority.
const BLOCK: usize = 1 << 16;

impl Pending {
    /// Start hashing `file` (a regular file, `before` its stamp). Where a
    /// file cannot be read at an offset apart from the parse's (not Unix),
    /// this is an error and the checksum is taken beside the parse.
    pub fn start(file: &std::fs::File, before: Stamp) -> std::io::Result<Pending> {
        if !cfg!(unix) {
            return Err(std::io::ErrorKind::Unsupported.into());
        }
        let shared = Arc::new(Shared::new(file.try_clone()?, before));
        std::thread::Builder::new().name("checksum".into()).spawn({
            let shared = shared.clone();
            move || hash_at_idle(&shared)
        })?;
        Ok(Pending(Arc::new(Owner { shared, hashed: std::sync::OnceLock::new() })))
    }

    /// The checksum, or why it could not be taken.
    pub fn wait(&self) -> Hashed {
        let Owner { shared, hashed } = &*self.0;
        hashed
            .get_or_init(|| {
                shared.taken.store(true, Ordering::Release);
                let progress = match shared.progress.try_lock() {
                    Ok(progress) => Some(progress),
                    Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                    Err(std::sync::TryLockError::WouldBlock) => None,
                };
                let (hasher, at) = match progress {
                    Some(progress) => match &progress.done {
                        Some(done) => return done.clone(),
                        None => (progress.hasher.clone(), progress.at),
                    },
                    None => (Sha256::default(), 0),
                };
                finish_hashing(shared, hasher, at, &|_, _| true)
            })
            .clone()
    }
}

impl Shared {
    /// Nothing hashed yet.
    fn new(file: std::fs::File, before: Stamp) -> Shared {
        let progress = Progress { hasher: Sha256::default(), at: 0, done: None };
        Shared { file, before, taken: AtomicBool::new(false), progress: Mutex::new(progress) }
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.shared.taken.store(true, Ordering::Release);
    }
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}

/// The thread's side: the file hashed a block at a time at idle priority,
/// each block's progress published, until the end or until a waiter takes
/// over.
fn hash_at_idle(shared: &Shared) {
    lower_priority();
    let taken = || shared.taken.load(Ordering::Acquire);
    let publish = |hasher: &Sha256, at: u64| {
        if !taken() {
            let mut progress = lock(&shared.progress);
            (progress.hasher, progress.at) = (hasher.clone(), at);
        }
        !taken()
    };
    let hashed = finish_hashing(shared, Sha256::default(), 0, &publish);
    if !taken() {
        lock(&shared.progress).done = Some(hashed);
    }
}

/// Hash the file from `at` on, going on from `hasher`, and stamp it again.
/// After each block, `go_on` is given the hash so far (the thread publishes
/// it) and says whether to go on.
fn finish_hashing(
    shared: &Shared,
    mut hasher: Sha256,
    mut at: u64,
    go_on: &dyn Fn(&Sha256, u64) -> bool,
) -> Hashed {
    let mut block = vec![0u8; BLOCK];
    loop {
        match read_at(&shared.file, &mut block, at) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&block[..n]);
                at += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read: {e}")),
        }
        if !go_on(&hasher, at) {
            return Err("taken over".into());
        }
    }
    if stamp(&shared.file) != shared.before {
        return Err(CHANGED.to_string());
    }
    Ok(hasher.finish())
}

/// The message for an export that changed while it was read.
pub const CHANGED: &str =
    "changed while it was read (another program is writing it?): run again once the export is complete";

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, block: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, block, at)
}

#[cfg(not(unix))]
fn read_at(_: &std::fs::File, _: &mut [u8], _: u64) -> std::io::Result<usize> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Put the calling thread at Linux's idle priority, best effort: where it
/// cannot be, it runs as any other. It is never raised again (see
/// [`Pending`]).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: 0 is the calling thread; `param` is valid for the call.
        unsafe {
            libc::sched_setscheduler(0, libc::SCHED_IDLE, &param);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that differ block to block, so a block hashed twice or skipped
    /// changes the checksum.
    fn bytes(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 4096) as u8).collect()
    }

    fn apart(path: &std::path::Path, before: Stamp) -> Hashed {
        let file = std::fs::File::open(path).unwrap();
        Pending::start(&file, before).unwrap().wait()
    }

    #[test]
    fn a_checksum_taken_apart_is_the_files_whole() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0, 10, BLOCK, 2 * BLOCK + 12_345] {
            let path = dir.path().join(format!("{len}.csv"));
            let written = bytes(len);
            std::fs::write(&path, &written).unwrap();
            let before = stamp(&std::fs::File::open(&path).unwrap());
            assert_eq!(apart(&path, before), Ok(sha256_hex(&written)), "{len} bytes");
        }
    }

    #[test]
    fn a_file_changed_since_it_was_stamped_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.csv");
        std::fs::write(&path, bytes(3 * BLOCK)).unwrap();
        let before = stamp(&std::fs::File::open(&path).unwrap());
        // As the parse saw it, then one row more.
        let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        std::io::Write::write_all(&mut file, b"C9,complaint,1,2025-03-03\n").unwrap();
        assert_eq!(apart(&path, before), Err(CHANGED.to_string()));
    }

    /// A waiter that takes over after the thread's first block goes on
    /// from the hash the thread published.
    #[test]
    fn hashing_taken_over_after_a_block_gives_the_files_checksum() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.csv");
        let written = bytes(2 * BLOCK + 5);
        std::fs::write(&path, &written).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let before = stamp(&file);
        let shared = Shared::new(file, before);
        let published = Mutex::new(None);
        let thread = finish_hashing(&shared, Sha256::default(), 0, &|hasher, at| {
            *published.lock().unwrap() = Some((hasher.clone(), at));
            false
        });
        assert_eq!(thread, Err("taken over".to_string()));
        let (hasher, at) = published.into_inner().unwrap().unwrap();
        assert_eq!(at, BLOCK as u64);
        assert_eq!(finish_hashing(&shared, hasher, at, &|_, _| true), Ok(sha256_hex(&written)));
    }

    /// The waiter hashes the file from the start rather than wait on the
    /// lock, which a thread stopped at idle priority might hold for seconds
    /// (were it to wait, this test would never end).
    #[test]
    fn a_waiter_never_waits_on_the_threads_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.csv");
        let written = bytes(BLOCK + 3);
        std::fs::write(&path, &written).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let before = stamp(&file);
        let shared = Arc::new(Shared::new(file, before));
        let pending = Pending(Arc::new(Owner { shared: shared.clone(), hashed: std::sync::OnceLock::new() }));
        let held = shared.progress.lock().unwrap();
        let hashed = std::thread::scope(|scope| scope.spawn(|| pending.wait()).join().unwrap());
        drop(held);
        assert_eq!(hashed, Ok(sha256_hex(&written)));
        assert!(shared.taken.load(Ordering::Acquire), "the thread is told to stop");
    }

    #[test]
    fn waiting_again_gives_the_same_checksum() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.csv");
        std::fs::write(&path, bytes(BLOCK + 1)).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let pending = Pending::start(&file, stamp(&file)).unwrap();
        let copy = pending.clone();
        assert_eq!(pending.wait(), copy.wait());
        assert_eq!(copy.wait(), Ok(sha256_hex(&bytes(BLOCK + 1))));
    }
}
