//! Starts `entente lsp` for Entente files in Zed: the program the user's
//! settings name (`"lsp": {"entente": {"binary": {"path": ...}}}`), else
//! `entente` on the PATH; the settings' initialization options (the
//! budgets `maxFacts` and `timeout`) go to the server as they are.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct Entente;

impl zed::Extension for Entente {
    fn new() -> Self {
        Entente
    }

    fn language_server_command(
        &mut self,
        _server: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree("entente", worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let command = (binary.as_ref().and_then(|b| b.path.clone()))
            .or_else(|| worktree.which("entente"))
            .ok_or("`entente` is not on the PATH: install it (`cargo install --path .` in Entente's repository) or set lsp.entente.binary.path")?;
        let mut args = vec!["lsp".to_string()];
        args.extend(binary.and_then(|b| b.arguments).unwrap_or_default());
        Ok(zed::Command {
            command,
            args,
            env: Vec::new(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        _server: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        let settings = LspSettings::for_worktree("entente", worktree).ok();
        Ok(settings.and_then(|s| s.initialization_options))
    }
}

zed::register_extension!(Entente);
