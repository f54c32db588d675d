//! Where included files and imported data are read from: the disk by
//! default, or texts a host holds in memory (a language server's unsaved
//! buffers, a browser's uploads, a test's fixtures).
//!
//! The loader and the importer read through [`Files`] and nothing else,
//! so a host without a file system (WebAssembly in a browser) loads
//! programs that include and import, and a host with one can show the
//! engine what a user has typed but not saved.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

/// A source of files, by path. Paths are as a program names them, joined
/// to the including file's folder (`rules/kb.rules` includes
/// `common.rules` as `rules/common.rules`).
pub trait Files: Send + Sync {
    /// Opens the file at `path` for reading.
    fn open(&self, path: &Path) -> io::Result<Box<dyn Read + '_>>;

    /// One name for every path to the same file, so that a file reached
    /// twice is loaded once and an include cycle is seen; an error when
    /// there is no such file.
    fn canonical(&self, path: &Path) -> io::Result<PathBuf>;

    /// The whole file at `path`, as bytes.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open(path)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

/// The file system: what [`crate::Engine`] reads unless told otherwise.
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

impl Files for Disk {
    fn open(&self, path: &Path) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(io::BufReader::new(std::fs::File::open(path)?)))
    }

    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
}

/// Files held in memory, by path: put a text in with
/// [`MemoryFiles::insert`] (again to replace it), and give the engine a
/// clone ([`crate::Engine::set_files`]); clones share the files.
///
/// ```
/// use entente::{Engine, MemoryFiles};
///
/// let files = MemoryFiles::new();
/// files.insert("kb/main.rules", "include \"treaties.rules\". ally(Y, X) if ally(X, Y).");
/// files.insert("kb/treaties.rules", "ally(armenia, russia).");
/// let mut engine = Engine::new();
/// engine.set_files(files.clone());
/// engine.load_files(&["kb/main.rules"])?;
/// engine.run()?;
/// assert!(engine.query("ally(russia, armenia)")?.0.holds());
/// # Ok::<(), entente::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct MemoryFiles(Arc<RwLock<HashMap<PathBuf, Arc<[u8]>>>>);

impl MemoryFiles {
    /// No files.
    pub fn new() -> MemoryFiles {
        MemoryFiles::default()
    }

    /// Puts `contents` at `path`, replacing what was there.
    pub fn insert(&self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) {
        let contents: Arc<[u8]> = contents.into().into();
        let mut files = self.0.write().unwrap_or_else(|e| e.into_inner());
        files.insert(normal(path.as_ref()), contents);
    }

    /// Takes the file at `path` away; whether there was one.
    pub fn remove(&self, path: impl AsRef<Path>) -> bool {
        let mut files = self.0.write().unwrap_or_else(|e| e.into_inner());
        files.remove(&normal(path.as_ref())).is_some()
    }

    fn get(&self, path: &Path) -> io::Result<Arc<[u8]>> {
        let files = self.0.read().unwrap_or_else(|e| e.into_inner());
        files.get(&normal(path)).cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "no such file among the files given",
            )
        })
    }
}

impl Files for MemoryFiles {
    fn open(&self, path: &Path) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(io::Cursor::new(self.get(path)?)))
    }

    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        self.get(path).map(|_| normal(path))
    }
}

impl fmt::Debug for MemoryFiles {
    /// The paths held, not their contents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = self.0.read().unwrap_or_else(|e| e.into_inner());
        let mut paths: Vec<&PathBuf> = files.keys().collect();
        paths.sort();
        f.debug_tuple("MemoryFiles").field(&paths).finish()
    }
}

/// `path` with `.` dropped and each `..` taking back the name before it,
/// read as written (there is no disk to ask about links).
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The files an engine reads: shared, so that cloning an engine (or a
/// what-if) does not copy them.
#[derive(Clone)]
pub(crate) struct SharedFiles(pub(crate) Arc<dyn Files>);

impl Default for SharedFiles {
    fn default() -> SharedFiles {
        SharedFiles(Arc::new(Disk))
    }
}

impl fmt::Debug for SharedFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Files")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_as_written() {
        assert_eq!(
            normal(Path::new("a/./b/../c.rules")),
            Path::new("a/c.rules")
        );
        assert_eq!(normal(Path::new("../x.rules")), Path::new("../x.rules"));
        assert_eq!(normal(Path::new("a/../../x")), Path::new("../x"));
    }

    #[test]
    fn memory_files_open_and_name_what_they_hold() {
        let files = MemoryFiles::new();
        files.insert("kb/a.rules", "p(1).");
        assert_eq!(files.read(Path::new("kb/x/../a.rules")).unwrap(), b"p(1).");
        assert_eq!(
            files.canonical(Path::new("./kb/a.rules")).unwrap(),
            Path::new("kb/a.rules")
        );
        let missing = files.open(Path::new("kb/b.rules")).err().unwrap();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        assert!(files.remove("kb/a.rules") && !files.remove("kb/a.rules"));
    }
}
