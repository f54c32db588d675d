//! `entente._entente`: the native half of the Python package `entente`
//! (SPEC §11). It is a thin layer over the library's public API: it turns
//! Python values into the library's and back, releases the GIL while the
//! engine works, turns Ctrl-C into the engine's cancel token, and raises
//! the library's errors as the exception classes of `entente.errors`. The
//! Python half (`python/entente/`) shapes what it returns into the
//! classes users meet (Answers, Explanation, Graph, ...), with their
//! pandas and notebook faces.

use pyo3::prelude::*;

mod calls;
mod core;
mod errors;
mod guard;
mod values;

/// The native module.
#[pymodule]
fn _entente(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<core::Core>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
