; Entente highlighting: the same classes as the language server's
; semantic tokens (src/cli/lsp/navigate.rs).

(comment) @comment

[
  "include"
  "import"
  "from"
  "to"
  "since"
  "until"
  "in"
  "at"
  "valid"
  "open"
  "source"
  "covers"
  "never"
  "if"
  "and"
  "not"
  "count"
  "sum"
  "min"
  "max"
] @keyword

(predicate) @function
(source_name) @module
(variable) @variable
(wildcard) @variable.builtin
(symbol) @constant
(column) @property
(number) @number
(time) @number
(string) @string
(escape) @string.escape
(include path: (string) @string.special.path)
(import path: (string) @string.special.path)

[
  ":-"
  "?"
  "?-"
  (compare_operator)
  (arithmetic_operator)
  "-"
] @operator

["(" ")" "{" "}"] @punctuation.bracket
["," "." ":"] @punctuation.delimiter
