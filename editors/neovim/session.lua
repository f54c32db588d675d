-- One editing session in Neovim with `entente lsp`, headless, for the
-- tests (tests/editors.rs): opens a file, attaches the server, waits for
-- its diagnostics, asks for a hover, a definition and the inlay hints,
-- and writes what it received, one line each, to a file. Runs on
-- Neovim 0.7 and later (Debian's package):
--
--   ENTENTE=entente ENTENTE_FILE=kb.rules ENTENTE_OUT=out.txt \
--     ENTENTE_HOVER=3:2 nvim --headless -u NONE -c 'luafile session.lua'
--
-- ENTENTE_HOVER is a 1-based line and a 0-based column.

local entente = os.getenv('ENTENTE')
local file = os.getenv('ENTENTE_FILE')
local out = os.getenv('ENTENTE_OUT')
local hover_line, hover_column = os.getenv('ENTENTE_HOVER'):match('(%d+):(%d+)')
local lines = {}

local function finish()
  vim.fn.writefile(lines, out)
  vim.cmd('qall!')
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local client_id = vim.lsp.start_client({
  name = 'entente',
  cmd = { entente, 'lsp' },
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
})
vim.lsp.buf_attach_client(0, client_id)

local received = vim.wait(10000, function()
  return #vim.diagnostic.get(0) > 0
end, 20)
if not received then
  table.insert(lines, 'no diagnostics')
  finish()
end
local diagnostics = vim.diagnostic.get(0)
table.sort(diagnostics, function(a, b)
  return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
end)
for _, d in ipairs(diagnostics) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?'
  local message = vim.split(d.message, '\n')[1]
  table.insert(lines, string.format('diagnostic %d:%d %s %s', d.lnum + 1, d.col + 1, code, message))
end

local client = vim.lsp.get_client_by_id(client_id)
local at = {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  position = { line = tonumber(hover_line) - 1, character = tonumber(hover_column) },
}
local hover = client.request_sync('textDocument/hover', at, 10000, 0)
if hover and hover.result then
  local first = vim.split(hover.result.contents.value, '\n')[1]
  table.insert(lines, 'hover ' .. first)
else
  table.insert(lines, 'no hover')
end
local definition = client.request_sync('textDocument/definition', at, 10000, 0)
for _, place in ipairs((definition and definition.result) or {}) do
  local name = vim.fn.fnamemodify(vim.uri_to_fname(place.uri), ':t')
  table.insert(lines, string.format('definition %s:%d', name, place.range.start.line + 1))
end
local hints = client.request_sync('textDocument/inlayHint', {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.fn.line('$'), character = 0 } },
}, 10000, 0)
for _, hint in ipairs((hints and hints.result) or {}) do
  table.insert(lines, string.format('hint %d %s', hint.position.line + 1, hint.label))
end
finish()
