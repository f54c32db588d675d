//! Starting timely dataflow's workers: threads in this process, and for
//! a cluster, the TCP connections between its processes.
//!
//! Timely can connect a cluster itself, but it reports waiting and
//! retrying on stdout, which is the program's output. So the
//! connections are made here, quietly and within a time limit: process
//! `i` listens at its own address, connects to every process before it
//! (retrying until that one listens) and says its number, and accepts
//! every process after it. Timely then runs over those sockets.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
use timely::communication::allocator::ProcessBuilder;
use timely::communication::{AllocatorBuilder, Hooks};
use timely::worker::Worker;
use timely::WorkerConfig;

use super::super::config::Cluster;

/// How long a process waits for the others of its cluster.
const WAIT_FOR_PEERS: Duration = Duration::from_secs(60);

/// Runs `work` on every worker of `cluster` and waits for them; the
/// message of the first failure.
pub(super) fn execute<F>(cluster: &Cluster, work: F) -> Result<(), String>
where
    F: Fn(&mut Worker) + Send + Sync + 'static,
{
    let threads = cluster.workers.max(1);
    let (builders, guard): (Vec<AllocatorBuilder>, Box<dyn std::any::Any + Send>) =
        if cluster.hosts.len() > 1 {
            let sockets = connect(&cluster.hosts, cluster.process)
                .map_err(|e| format!("cannot connect the cluster: {e}"))?;
            let hooks = Hooks::default();
            let process = ProcessBuilder::new_typed_vector(threads, hooks.refill.clone(), hooks.spill.clone());
            let (tcp, guard) =
                initialize_networking_from_sockets(process, sockets, cluster.process, threads, hooks)
                    .map_err(|e| format!("cannot start the cluster's network: {e}"))?;
            (tcp.into_iter().map(AllocatorBuilder::Tcp).collect(), Box::new(guard))
        } else {
            timely::CommunicationConfig::Process(threads).try_build()?
        };
    let guards = timely::execute::execute_from(builders, guard, WorkerConfig::default(), work)?;
    for result in guards.join() {
        result?;
    }
    Ok(())
}

/// Starts `work` on `threads` worker threads of this process and returns
/// at once: the guards wait for them.
pub(super) fn start<F>(threads: usize, work: F) -> Result<timely::communication::WorkerGuards<()>, String>
where
    F: Fn(&mut Worker) + Send + Sync + 'static,
{
    let (builders, guard) = timely::CommunicationConfig::Process(threads.max(1)).try_build()?;
    timely::execute::execute_from(builders, guard, WorkerConfig::default(), work)
}

/// A socket to every other process of the cluster, by process number
/// (`None` for this one).
fn connect(hosts: &[String], me: usize) -> io::Result<Vec<Option<TcpStream>>> {
    let deadline = Instant::now() + WAIT_FOR_PEERS;
    let listener = TcpListener::bind(hosts[me].as_str())
        .map_err(|e| io::Error::new(e.kind(), format!("process {me} cannot listen at {}: {e}", hosts[me])))?;
    let mut sockets: Vec<Option<TcpStream>> = (0..hosts.len()).map(|_| None).collect();
    for (peer, address) in hosts.iter().enumerate().take(me) {
        let mut stream = loop {
            match TcpStream::connect(address.as_str()) {
                Ok(stream) => break stream,
                Err(e) if Instant::now() >= deadline => {
                    return Err(io::Error::new(e.kind(), format!("process {peer} at {address}: {e}")))
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        stream.set_nodelay(true)?;
        stream.write_all(&(me as u64).to_le_bytes())?;
        sockets[peer] = Some(stream);
    }
    listener.set_nonblocking(true)?;
    while sockets.iter().skip(me + 1).any(Option::is_none) {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream.set_nonblocking(false)?;
                stream.set_nodelay(true)?;
                let mut number = [0u8; 8];
                stream.read_exact(&mut number)?;
                let peer = usize::try_from(u64::from_le_bytes(number)).unwrap_or(usize::MAX);
                if peer <= me || peer >= hosts.len() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("a connection at {} said it was process {peer}", hosts[me]),
                    ));
                }
                sockets[peer] = Some(stream);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("the processes after {me} did not connect to {} within {} s", hosts[me], WAIT_FOR_PEERS.as_secs()),
                    ));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(sockets)
}
