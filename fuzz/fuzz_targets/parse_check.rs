//! Any bytes, loaded as a rule file: parse and check must return
//! diagnostics, never panic, and every diagnostic must render.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut engine = entente::Engine::new();
    if let Err(e) = engine.load_source("fuzz.rules", &text) {
        for p in e.problems() {
            let _ = entente::render(p, false);
        }
    }
});
