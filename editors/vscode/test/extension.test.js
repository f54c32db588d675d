// The extension's manifest and client, without VS Code: what it
// contributes points at files that exist and agree with each other, and
// the client starts `entente lsp` with the budgets of the settings.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const root = path.join(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

test('the manifest contributes the language, its grammar and its settings', () => {
  const [language] = manifest.contributes.languages;
  assert.deepStrictEqual(language.extensions, ['.rules']);
  const configuration = JSON.parse(
    fs.readFileSync(path.join(root, language.configuration), 'utf8'),
  );
  assert.strictEqual(configuration.comments.lineComment, '#');
  const [grammar] = manifest.contributes.grammars;
  assert.strictEqual(grammar.language, language.id);
  const tm = JSON.parse(fs.readFileSync(path.join(root, grammar.path), 'utf8'));
  assert.strictEqual(tm.scopeName, grammar.scopeName);
  const settings = Object.keys(manifest.contributes.configuration.properties);
  assert.deepStrictEqual(settings, ['entente.path', 'entente.maxFacts', 'entente.timeout']);
});

test('the client starts `entente lsp` with the settings as its budgets', () => {
  // `vscode` exists only inside the editor: a stand-in for the test.
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    return request === 'vscode' ? {} : load.call(this, request, parent, isMain);
  };
  let extension;
  try {
    extension = require(path.join(root, 'extension.js'));
  } finally {
    Module._load = load;
  }
  const settings = (values) => ({ get: (key, fallback) => (key in values ? values[key] : fallback) });
  const plain = extension.serverOptions(settings({}));
  assert.deepStrictEqual(plain.server, { command: 'entente', args: ['lsp'] });
  assert.deepStrictEqual(plain.initializationOptions, { maxFacts: 10000000 });
  const set = extension.serverOptions(settings({ path: '/opt/entente', maxFacts: 500, timeout: 2.5 }));
  assert.strictEqual(set.server.command, '/opt/entente');
  assert.deepStrictEqual(set.initializationOptions, { maxFacts: 500, timeout: 2.5 });
});
