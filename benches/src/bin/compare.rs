//! Entente and Ascent (Datalog compiled into Rust) side by side, as whole
//! processes on the same input files: reading the input, evaluating, and
//! writing every derived fact (to /dev/null). Entente on one job and on
//! every core; Ascent single-threaded and parallel (`ascent_par!`). Wall
//! time and peak resident memory of each process, median of `RUNS`;
//! prints the table of BENCHMARKS.md §3 with its ratios.
//!
//! `cargo run --release -p entente-bench --features ascent --bin compare [WORKLOAD...]`
//!
//! It builds the `entente`, `ascent_run` and `workload` binaries first
//! (release), and writes each workload to a temporary `.rules` file both
//! read. Name workloads to run only those (`tc_random_10k` is not run
//! unless named).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 3;

/// One process's cost.
#[derive(Clone, Copy)]
struct Cost {
    time: Duration,
    /// Peak resident set, in KB.
    peak_kb: u64,
}

/// Runs a command to the end with stdout to /dev/null; its wall time and
/// peak memory (from `wait4`'s resource usage of that child alone).
fn measure(program: &Path, args: &[&str]) -> Cost {
    let start = Instant::now();
    // Waited for by `wait4` below, which also gives its resource usage.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
    let mut status = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills in; the pid is our
    // child's, waited for once, here.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let time = start.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{} {args:?} failed",
        program.display()
    );
    Cost {
        time,
        peak_kb: usage.ru_maxrss as u64,
    }
}

/// The median of `RUNS` runs (by time; memory of the same run).
fn median(program: &Path, args: &[&str]) -> Cost {
    let mut costs: Vec<Cost> = (0..RUNS).map(|_| measure(program, args)).collect();
    costs.sort_by_key(|c| c.time);
    costs[RUNS / 2]
}

/// Builds the binaries and returns the directory they are in.
fn build() -> PathBuf {
    for args in [
        &[
            "build",
            "--release",
            "-q",
            "-p",
            "entente",
            "--bin",
            "entente",
        ][..],
        &[
            "build",
            "--release",
            "-q",
            "-p",
            "entente-bench",
            "--features",
            "ascent",
            "--bin",
            "ascent_run",
            "--bin",
            "workload",
        ][..],
    ] {
        let ok = Command::new(env!("CARGO"))
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cargo {args:?} failed");
    }
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .expect("the directory of this binary")
}

/// Writes a workload's program to `file` by the `workload` binary, so
/// that this process never holds a workload (a child's peak memory counts
/// what it had before `exec`).
fn write_workload(bin: &Path, name: &str, file: &Path) {
    let out = std::fs::File::create(file).expect("create the workload file");
    let ok = Command::new(bin.join("workload"))
        .arg(name)
        .stdout(out)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "no workload {name}");
}

fn secs(c: Cost) -> String {
    format!("{:.2} s", c.time.as_secs_f64())
}

fn mb(c: Cost) -> String {
    format!("{} MB", c.peak_kb.div_ceil(1024))
}

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let bin = build();
    let (entente, ascent) = (bin.join("entente"), bin.join("ascent_run"));
    let dir = std::env::temp_dir().join(format!("entente-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "| workload | Entente, 1 job | Entente, {jobs} jobs | Ascent | Ascent parallel | \
         Entente / Ascent (1 thread) | Entente / Ascent parallel | speed-up on {jobs} jobs | \
         memory Entente / Ascent |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let names: Vec<&str> = if wanted.is_empty() {
        entente_bench::NAMES.to_vec()
    } else {
        wanted.iter().map(String::as_str).collect()
    };
    for name in names {
        let path = dir.join(format!("{name}.rules"));
        write_workload(&bin, name, &path);
        let file = path.to_str().expect("a UTF-8 temporary path");
        let max = "1000000000";
        let one = median(
            &entente,
            &["run", file, "-q", "--jobs", "1", "--max-facts", max],
        );
        let all = median(&entente, &["run", file, "-q", "--max-facts", max]);
        let theirs = median(&ascent, &[name, file]);
        let theirs_par = median(&ascent, &[name, file, "--par"]);
        let ratio = |a: Cost, b: Cost| a.time.as_secs_f64() / b.time.as_secs_f64();
        println!(
            "| {name} | {}, {} | {}, {} | {}, {} | {}, {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            secs(one),
            mb(one),
            secs(all),
            mb(all),
            secs(theirs),
            mb(theirs),
            secs(theirs_par),
            mb(theirs_par),
            ratio(one, theirs),
            ratio(all, theirs_par),
            ratio(one, all),
            one.peak_kb as f64 / theirs.peak_kb as f64,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
