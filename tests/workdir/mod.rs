//! A scratch directory per test that runs the real `redress` binary, after
//! xsv's `tests/workdir.rs`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    dir: tempfile::TempDir,
}

/// The project's own folder, where `tests/fixtures` and `sample-data` live.
pub fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
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

    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_redress"));
        cmd.current_dir(self.dir.path()).args(args).env_remove("RUST_BACKTRACE");
        cmd
    }

    /// Run and expect success; returns stderr.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.output(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "redress {args:?} failed with {:?}:\n{stderr}", out.status.code());
        stderr
    }

    /// Run and expect a given exit code; returns stderr.
    pub fn run_fails(&self, args: &[&str], code: i32) -> String {
        let out = self.output(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "redress {args:?}: expected exit {code}; stderr:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "redress {args:?} panicked:\n{stderr}");
        stderr
    }

    pub fn output(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("running redress")
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
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
