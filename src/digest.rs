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
#[derive(Default)]
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
/// file a second time (from the page cache, where the parse has just left
/// it) at the lowest priority there is (Linux's `SCHED_IDLE`): it runs only
/// on a core nothing else wants. Taken beside each chunk's parse, as before,
/// the checksum competed with the parse and the checks for the two cores;
/// the run leaves a core idle for about a third of its time after the read,
/// which is enough for it.
///
/// Whoever needs the checksum ([`Pending::wait`]) first raises the thread to
/// the usual priority, so a busy machine cannot starve it. The file is
/// stamped again once hashed: a change since `before` (the stamp taken
/// before the parse) is an error, as the bytes hashed might not be those
/// parsed. Dropped unwaited-for (a run that stops early, or `validate`,
/// which records no checksum), the thread stops at its next block.
#[derive(Clone)]
pub struct Pending(Arc<Shared>);

struct Shared {
    control: Arc<Mutex<Control>>,
    cancelled: Arc<AtomicBool>,
    outcome: Mutex<Outcome>,
}

/// What the waiter and the thread agree on under one lock, so the thread is
/// never lowered after the waiter has raised it, nor raised once gone.
#[derive(Default)]
struct Control {
    wanted: bool,
    /// The thread's id while it is hashing.
    thread: Option<priority::Thread>,
}

type Hashed = std::result::Result<String, String>;

enum Outcome {
    Running(std::thread::JoinHandle<Hashed>),
    Done(Hashed),
}

const BLOCK: usize = 1 << 20;

impl Pending {
    /// Start hashing `file` (a regular file, `before` its stamp). Where a
    /// file cannot be read at an offset apart from the parse's (not Unix),
    /// this is an error and the checksum is taken beside the parse.
    pub fn start(file: &std::fs::File, before: Stamp) -> std::io::Result<Pending> {
        if !cfg!(unix) {
            return Err(std::io::ErrorKind::Unsupported.into());
        }
        let file = file.try_clone()?;
        let control = Arc::new(Mutex::new(Control::default()));
        let cancelled = Arc::new(AtomicBool::new(false));
        let thread = std::thread::Builder::new().name("checksum".into()).spawn({
            let (control, cancelled) = (control.clone(), cancelled.clone());
            move || hash_at_idle(&file, before, &control, &cancelled)
        })?;
        Ok(Pending(Arc::new(Shared { control, cancelled, outcome: Mutex::new(Outcome::Running(thread)) })))
    }

    /// The checksum, or why it could not be taken.
    pub fn wait(&self) -> Hashed {
        {
            let mut control = lock(&self.0.control);
            control.wanted = true;
            if let Some(thread) = control.thread {
                priority::raise(thread);
            }
        }
        let mut outcome = lock(&self.0.outcome);
        if let Outcome::Running(_) = &*outcome {
            let Outcome::Running(thread) = std::mem::replace(&mut *outcome, Outcome::Done(Ok(String::new())))
            else {
                unreachable!()
            };
            *outcome = Outcome::Done(thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        match &*outcome {
            Outcome::Done(hashed) => hashed.clone(),
            Outcome::Running(_) => unreachable!("joined above"),
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending")
    }
}

fn hash_at_idle(
    file: &std::fs::File,
    before: Stamp,
    control: &Mutex<Control>,
    cancelled: &AtomicBool,
) -> Hashed {
    {
        let mut control = lock(control);
        let me = priority::current();
        if !control.wanted {
            priority::lower(me);
        }
        control.thread = Some(me);
    }
    let mut hasher = Sha256::default();
    let mut block = vec![0u8; BLOCK];
    let mut at = 0u64;
    let read = loop {
        if cancelled.load(Ordering::Relaxed) {
            break Err("the run stopped first".to_string());
        }
        match read_at(file, &mut block, at) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                hasher.update(&block[..n]);
                at += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => break Err(format!("cannot read: {e}")),
        }
    };
    lock(control).thread = None;
    read?;
    if stamp(file) != before {
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

/// A thread's scheduling priority, best effort: where it cannot be set,
/// the thread runs as any other.
#[cfg(target_os = "linux")]
mod priority {
    pub type Thread = libc::pid_t;

    pub fn current() -> Thread {
        // SAFETY: gettid has no preconditions.
        unsafe { libc::gettid() }
    }

    pub fn lower(thread: Thread) {
        set(thread, libc::SCHED_IDLE);
    }

    pub fn raise(thread: Thread) {
        set(thread, libc::SCHED_OTHER);
    }

    fn set(thread: Thread, policy: libc::c_int) {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is valid for the call; `thread` is a live thread
        // of this process (the caller holds the lock it clears its id under).
        unsafe {
            libc::sched_setscheduler(thread, policy, &param);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod priority {
    pub type Thread = ();

    pub fn current() {}

    pub fn lower(_: Thread) {}

    pub fn raise(_: Thread) {}
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
