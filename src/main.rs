//! The `entente` command: a thin front end over the library.

mod cli;

fn main() -> std::process::ExitCode {
    give_back_large_blocks();
    cli::main()
}

/// Makes glibc's allocator serve blocks of four megabytes or more from
/// their own mappings, returned to the system when freed. By default the
/// threshold rises to the largest block freed so far (up to 32 MB), so a
/// large evaluation's outgrown hash tables and buffers would be kept in
/// the heap, fragmented, and count towards the peak: about a tenth more
/// memory on a 60-million-fact closure. (At one megabyte, the buffers of
/// every round came as fresh pages the kernel had to clear: 5 % of a
/// smaller run.)
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn give_back_large_blocks() {
    // SAFETY: `mallopt` only sets a tuning parameter of the allocator; it
    // is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn give_back_large_blocks() {}
