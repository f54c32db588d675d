//! `--engine dd` and the cluster's options (SPEC §15): which evaluator
//! runs the program, and where the workers of the `dd` engine are.

use std::path::PathBuf;

use entente::Config;

/// The evaluators a run can choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Evaluator {
    /// Semi-naive forward chaining in this process (the default).
    #[value(name = "seminaive")]
    SemiNaive,
    /// Differential dataflow, in one process or a cluster (a build with
    /// the `dd` feature).
    Dd,
}

/// `--engine`, `--workers`, `--processes`, `--process` and `--hosts`.
#[derive(clap::Args, Debug)]
pub struct EngineArgs {
    /// The evaluator: seminaive, or dd (differential dataflow, in one
    /// process or a cluster; the output is the same).
    #[arg(long, value_enum, default_value = "seminaive")]
    engine: Evaluator,
    /// With `--engine dd`: worker threads in each process.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    workers: Option<u16>,
    /// With `--engine dd`: processes in the cluster, each started with the
    /// same files and options and its own `--process`.
    #[arg(long, value_name = "P", value_parser = clap::value_parser!(u16).range(1..))]
    processes: Option<u16>,
    /// With `--engine dd`: this process's number, from 0; process 0
    /// prints the output.
    #[arg(long, value_name = "I")]
    process: Option<u16>,
    /// With `--engine dd`: a file of one `host:port` a line, one line per
    /// process in process order.
    #[arg(long, value_name = "FILE")]
    hosts: Option<PathBuf>,
}

impl EngineArgs {
    /// `config` set to evaluate as asked, or why the options do not fit.
    pub fn apply(&self, config: Config) -> Result<Config, String> {
        let cluster_options = self.workers.is_some()
            || self.processes.is_some()
            || self.process.is_some()
            || self.hosts.is_some();
        if self.engine == Evaluator::SemiNaive {
            if cluster_options {
                return Err(
                    "`--workers`, `--processes`, `--process` and `--hosts` go with `--engine dd`"
                        .into(),
                );
            }
            return Ok(config);
        }
        self.dataflow(config)
    }

    /// Whether the options name a cluster of processes (rather than
    /// workers of this one).
    pub fn is_cluster(&self) -> bool {
        self.processes.is_some_and(|p| p > 1) || self.process.is_some() || self.hosts.is_some()
    }

    /// This process's number in the cluster (0 alone).
    pub fn process(&self) -> usize {
        self.process.map_or(0, usize::from)
    }

    #[cfg(feature = "dd")]
    fn dataflow(&self, config: Config) -> Result<Config, String> {
        let processes = self.processes.map_or(1, usize::from);
        let process = self.process();
        if process >= processes {
            return Err(format!(
                "`--process {process}` is not one of the {processes} processes (0 to {})",
                processes - 1
            ));
        }
        let hosts = match &self.hosts {
            Some(path) => read_hosts(path)?,
            None if processes > 1 => {
                return Err("a cluster of several processes needs `--hosts FILE`".into())
            }
            None => Vec::new(),
        };
        if self.hosts.is_some() && hosts.len() != processes {
            return Err(format!(
                "the hosts file names {} process{}, and `--processes` says {processes}",
                hosts.len(),
                if hosts.len() == 1 { "" } else { "es" }
            ));
        }
        let cluster = entente::Cluster {
            workers: self.workers.map_or(1, usize::from),
            process,
            hosts,
        };
        Ok(Config {
            dataflow: Some(cluster),
            ..config
        })
    }

    #[cfg(not(feature = "dd"))]
    fn dataflow(&self, _config: Config) -> Result<Config, String> {
        Err("this entente was built without the `dd` engine: build it with `cargo build --release --features dd`".into())
    }
}

/// The `host:port` lines of a hosts file (blank lines and `#` comments
/// skipped).
#[cfg(feature = "dd")]
fn read_hosts(path: &std::path::Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the hosts file {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect())
}

/// A process of a cluster other than 0 prints nothing on stdout: its
/// output goes to the null device (its diagnostics still go to stderr).
pub fn quiet_stdout() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        use std::os::fd::AsRawFd;
        // SAFETY: both descriptors are open; dup2 replaces stdout's.
        unsafe {
            libc::dup2(null.as_raw_fd(), libc::STDOUT_FILENO);
        }
    }
}
