// Builds the engine for the browser: the `entente-wasm` crate for
// wasm32-unknown-unknown, then its JavaScript glue with wasm-bindgen, into
// src/pkg/. Installs the target (rustup) and wasm-bindgen-cli (cargo
// install, at the wasm-bindgen crate's exact version) when missing.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const version = '0.2.130';
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });
const quiet = (command, args) => {
  try {
    return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
};

if (!quiet('rustup', ['target', 'list', '--installed']).includes('wasm32-unknown-unknown')) {
  run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
}
if (!quiet('wasm-bindgen', ['--version']).includes(version)) {
  // Not --locked: its lock file names a webpki-roots release that the
  // registry reachable here lacks; the newest compatible one is taken.
  run('cargo', ['install', '--quiet', `wasm-bindgen-cli@${version}`]);
}
run('cargo', ['build', '--locked', '--quiet', '--release', '-p', 'entente-wasm', '--target', 'wasm32-unknown-unknown']);
run('wasm-bindgen', [
  '--target', 'web',
  '--out-dir', 'playground/src/pkg',
  'target/wasm32-unknown-unknown/release/entente_wasm.wasm',
]);
