//! A scratch directory per test that runs the real `redress` binary, after
//! xsv's `tests/workdir.rs`, and [`Redress`], a builder for its command line.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    dir: tempfile::TempDir,
}

/// The project's own folder, where `tests/fixtures` and `sample-data` live.
pub fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the project, read as text.
pub fn project_file(relative: &str) -> String {
    let path = project().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// A new directory with the files of `tests/fixtures/<name>` copied into
    /// `in/`, the folder the tests' expected outputs name.
    pub fn with_fixture(name: &str) -> Workdir {
        let wd = Workdir::new();
        wd.fixture(name, "in");
        wd
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn create(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Copy the bundled sample (every file `redress sample` writes) into
    /// `sample-data/`, where `redress run` with no arguments looks.
    pub fn sample(&self) {
        let from = project().join("sample-data");
        for path in files_below(&from) {
            let relative = path.strip_prefix(&from).unwrap().to_str().unwrap().to_string();
            self.create(&format!("sample-data/{relative}"), std::fs::read(&path).unwrap());
        }
    }

    /// Copy every file of `tests/fixtures/<name>` (not sub-folders) into `<into>`.
    pub fn fixture(&self, name: &str, into: &str) -> PathBuf {
        let from = project().join("tests/fixtures").join(name);
        let to = self.path(into);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(&from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
        to
    }

    pub fn read(&self, relative: &str) -> String {
        let path = self.path(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }

    /// A JSON output (metrics.json, run.json), parsed.
    pub fn json(&self, relative: &str) -> serde_json::Value {
        serde_json::from_str(&self.read(relative))
            .unwrap_or_else(|e| panic!("parsing {relative} as JSON: {e}"))
    }

    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    /// `redress <subcommand>`, run in this directory when finished with
    /// [`Redress::run`], [`Redress::expect_exit`], [`Redress::stdout`] or
    /// [`Redress::output`]. The subcommand may be several words
    /// (`"calendar add"`).
    pub fn redress(&self, subcommand: &str) -> Redress<'_> {
        Redress { wd: self, args: subcommand.split_whitespace().map(OsString::from).collect() }
    }
}

/// The command line of one run of the binary, built an option at a time in
/// the order the options are given.
#[must_use = "a command does nothing until it is run"]
pub struct Redress<'a> {
    wd: &'a Workdir,
    args: Vec<OsString>,
}

impl Redress<'_> {
    /// An argument as it is: a positional one, or an option without a method.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    fn option(self, name: &str, value: impl ToString) -> Self {
        self.arg(name).arg(value.to_string())
    }

    /// `--config FILE`
    pub fn config(self, file: &str) -> Self {
        self.option("--config", file)
    }

    /// `--cases FILE` (repeat for several exports).
    pub fn cases(self, file: &str) -> Self {
        self.option("--cases", file)
    }

    /// `--as-of DATE`
    #[allow(clippy::wrong_self_convention)] // named for the flag, as the others are
    pub fn as_of(self, date: &str) -> Self {
        self.option("--as-of", date)
    }

    /// `--out DIR`
    pub fn out(self, dir: &str) -> Self {
        self.option("--out", dir)
    }

    /// `--strict`
    pub fn strict(self) -> Self {
        self.arg("--strict")
    }

    /// `--period PERIOD`
    pub fn period(self, period: &str) -> Self {
        self.option("--period", period)
    }

    /// `--templates DIR`
    pub fn templates(self, dir: &str) -> Self {
        self.option("--templates", dir)
    }

    /// `--file FILE` (validate-self-assessment)
    pub fn file(self, file: &str) -> Self {
        self.option("--file", file)
    }

    /// `--year YEAR` (validate-self-assessment)
    pub fn year(self, year: &str) -> Self {
        self.option("--year", year)
    }

    /// `--rows N` (sample)
    pub fn rows(self, rows: usize) -> Self {
        self.option("--rows", rows)
    }

    /// `--seed N` (sample)
    pub fn seed(self, seed: u64) -> Self {
        self.option("--seed", seed)
    }

    /// `--from DATE` (calendar add)
    pub fn from(self, date: &str) -> Self {
        self.option("--from", date)
    }

    /// `--days N` (calendar add)
    pub fn days(self, days: u32) -> Self {
        self.option("--days", days)
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_redress"));
        cmd.current_dir(self.wd.root()).args(&self.args).env_remove("RUST_BACKTRACE");
        cmd
    }

    pub fn output(&self) -> Output {
        self.command().output().expect("running redress")
    }

    /// Run and expect success; returns stderr.
    pub fn run(&self) -> String {
        self.succeed().stderr
    }

    /// Run and expect success; returns stdout.
    pub fn stdout(&self) -> String {
        self.succeed().stdout
    }

    /// Run and expect the exit code `code`, without a panic; returns stderr.
    pub fn expect_exit(&self, code: i32) -> String {
        let out = Text::of(self.output());
        assert_eq!(out.code, Some(code), "{self}: expected exit {code}; stderr:\n{}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{self} panicked:\n{}", out.stderr);
        out.stderr
    }

    fn succeed(&self) -> Text {
        let out = Text::of(self.output());
        assert!(out.code == Some(0), "{self} failed with {:?}:\n{}", out.code, out.stderr);
        out
    }
}

/// `redress run --config ...`, as the failure messages name the command.
impl std::fmt::Display for Redress<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redress")?;
        for arg in &self.args {
            write!(f, " {}", arg.to_string_lossy())?;
        }
        Ok(())
    }
}

/// An output's exit code and its streams as text.
struct Text {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Text {
    fn of(out: Output) -> Text {
        Text {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Every file below a folder, recursively.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
