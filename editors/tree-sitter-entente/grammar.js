/**
 * Tree-sitter grammar of the Entente language (SPEC §1-3, §10, §14), for
 * editors' highlighting. It follows grammar/entente.pest rule by rule;
 * tests/editors.rs checks that every rule file of the repository and
 * every syntax case parses here without an error exactly when Entente
 * accepts it.
 */

const list = (item, separator) => seq(item, repeat(seq(separator, item)));

module.exports = grammar({
  name: 'entente',

  extras: $ => [/\s/, $.comment],

  // Keyword extraction: a word is read whole, then matched against the
  // keywords that may stand where it is (so `iffy` is a symbol, and the
  // time words `in`, `at`, `to` are symbols anywhere else).
  word: $ => $._lower_word,

  // Never a predicate or a symbol, as in the pest grammar's `keyword`.
  reserved: {
    global: $ => ['if', 'and', 'not', 'include', 'import', 'from'],
  },

  conflicts: $ => [
    [$.aggregate, $._term],
    // `never (X) = 1.` is a constraint; `never(x).` a fact.
    [$.constraint, $.predicate],
  ],

  rules: {
    source_file: $ => repeat($._statement),

    _statement: $ => choice(
      $.include, $.import, $.query, $.source, $.section, $.constraint, $.clause,
    ),

    include: $ => seq('include', field('path', $.string), '.'),

    import: $ => seq(
      'import',
      field('predicate', $.predicate),
      optional($.columns),
      'from',
      field('path', $.string),
      optional(seq('source', field('source', $.source_name))),
      optional($.valid_columns),
      '.',
    ),

    // Sources and constraints (SPEC §14). `source` and `never` are
    // keywords only where these statements start: `source(x).` and
    // `never.` are facts, as in the pest grammar.
    source: $ => seq(
      'source',
      field('name', $.source_name),
      field('citation', $.string),
      optional($.covers),
      '.',
    ),
    covers: $ => seq('covers', $.time, 'to', $.time),
    section: $ => seq('from', field('name', $.source_name), '.'),
    constraint: $ => seq(choice('never', ':-'), $.body, '.'),
    source_name: $ => $._lower_word,

    columns: $ => seq('(', list($._column, ','), ')'),
    _column: $ => choice($.string, $.column),
    column: $ => choice($._lower_word, /[A-Z_][A-Za-z0-9_]*/),

    query: $ => seq(choice('?', '?-'), $.body, optional($.at_time), '.'),

    clause: $ => seq(
      field('head', $.atom),
      optional($._validity),
      optional(seq(choice(':-', 'if'), field('body', $.body))),
      '.',
    ),

    _validity: $ => choice($.since, $.from_to, $.in_time, $.until),
    since: $ => seq('since', $.time),
    from_to: $ => seq('from', $.time, 'to', $.time),
    in_time: $ => seq('in', $.time),
    until: $ => seq('until', $.time),
    at_time: $ => seq('at', $.time),

    valid_columns: $ => seq(
      'valid',
      optional(seq('from', $._column)),
      optional(seq('to', $._column)),
      optional(seq('open', choice($.number, $.string, $.symbol))),
    ),

    body: $ => list($._literal, choice(',', 'and')),
    _literal: $ => choice($.negative, $.aggregate, $.comparison, $.atom),
    negative: $ => seq('not', $.atom),
    aggregate: $ => seq(
      $.variable,
      '=',
      choice('count', seq(choice('sum', 'min', 'max'), $._term)),
      ':',
      '{',
      $.body,
      '}',
    ),
    comparison: $ => seq($.expression, $.compare_operator, $.expression),
    atom: $ => seq(
      field('predicate', $.predicate),
      optional(seq('(', list($._term, ','), ')')),
    ),

    expression: $ => seq($._operand, repeat(seq($.arithmetic_operator, $._operand))),
    _operand: $ => choice(seq('(', $.expression, ')'), $._term, $.negated),
    negated: $ => seq('-', choice(seq('(', $.expression, ')'), $._term)),

    compare_operator: $ => choice('!=', '<=', '>=', '=', '<', '>'),
    arithmetic_operator: $ => choice('+', '-', '*', '/', '%'),

    _term: $ => choice($.variable, $.wildcard, $.number, $.string, $.symbol),
    variable: $ => /[A-Z][A-Za-z0-9_]*|_[A-Za-z0-9_]+/,
    wildcard: $ => '_',
    number: $ => /-?[0-9]+(\.[0-9]+)?/,
    time: $ => /-?[0-9]+/,
    string: $ => seq(
      '"',
      repeat(choice($.escape, token.immediate(prec(1, /[^"\\\n]+/)))),
      token.immediate('"'),
    ),
    escape: $ => token.immediate(/\\["\\nt]/),
    symbol: $ => $._lower_word,
    predicate: $ => choice($._lower_word, 'source', 'never'),
    _lower_word: $ => /[a-z][A-Za-z0-9_]*/,

    comment: $ => token(seq('#', /[^\n]*/)),
  },
});
