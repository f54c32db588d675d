// The VS Code client of `entente lsp`: starts the server for `.rules`
// files and hands it the budgets from the settings. Everything else
// (diagnostics, hover, definitions, references, rename, completion,
// formatting, semantic tokens, each query's answer inline) is the
// server's.
'use strict';

const vscode = require('vscode');

let client;

/** The server's command and initialization options from the settings. */
function serverOptions(settings) {
  const command = settings.get('path', 'entente');
  const options = { maxFacts: settings.get('maxFacts', 10000000) };
  const timeout = settings.get('timeout', null);
  if (typeof timeout === 'number' && timeout > 0) {
    options.timeout = timeout;
  }
  return { server: { command, args: ['lsp'] }, initializationOptions: options };
}

function activate(context) {
  // Loaded here: the client library needs the editor's classes.
  const { LanguageClient } = require('vscode-languageclient/node');
  const { server, initializationOptions } = serverOptions(
    vscode.workspace.getConfiguration('entente'),
  );
  client = new LanguageClient(
    'entente',
    'Entente',
    server,
    {
      documentSelector: [{ scheme: 'file', language: 'entente' }],
      initializationOptions,
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, serverOptions };
