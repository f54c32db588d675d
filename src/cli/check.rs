//! `entente check FILE... [--plan]`: load and check, print diagnostics
//! (and the evaluation plan); run nothing, unless the program has
//! constraints, whose violations only its model shows (SPEC §14).

use std::path::PathBuf;
use std::process::ExitCode;

use entente::Engine;

use super::report;

/// Checks the files as one program; with `plan`, prints its evaluation
/// plan.
pub fn run(files: &[PathBuf], plan: bool) -> ExitCode {
    let mut engine = Engine::new();
    match engine.load_files(files) {
        Ok(update) => {
            let n = report::warnings(&update.warnings);
            if plan {
                print!("{}", engine.plan_text());
            }
            if engine.has_constraints() {
                let violated = (engine.run())
                    .and_then(|()| engine.violations())
                    .map(|v| engine.violation_error(&v));
                match violated {
                    Ok(None) => {}
                    Ok(Some(e)) | Err(e) => {
                        report::error(&e, n);
                        return ExitCode::from(1);
                    }
                }
            }
            report::summary(0, n);
            ExitCode::SUCCESS
        }
        Err(e) => {
            report::error(&e, 0);
            ExitCode::from(1)
        }
    }
}
