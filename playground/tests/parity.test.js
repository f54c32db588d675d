// The browser's engine says what the command line says: the data-driven
// cases of tests/cases run through the WebAssembly build (in Node, the
// same module the page loads) and compared with their expected output,
// which `cargo test --test cases` checks against the native binary.
//
// Covered, every case and every directive of: `eval` (the output of
// `entente run` with its flags and formats; a case that fails, by its
// diagnostics' codes), `explain` (text and JSON), `what_if` (text and
// JSON, with proofs), `graph` (DOT and JSON, at a time point),
// `timeline` (text, JSON, CSV, `--explain`, `--by-time`), `plan`
// (`entente check --plan`), `fmt` (`entente fmt`'s layout) and `errors`
// (every code, message and help; the browser shows a diagnostic's
// parts, not the terminal's drawing of it) and `syntax` (every statement
// in canonical form). Not here: `repl`, the REPL's transcripts: the REPL
// is the command line's, and the browser has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import init, { Session, canonical, format } from '../src/pkg/entente_wasm.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
await init({ module_or_path: fs.readFileSync(path.join(root, 'playground/src/pkg/entente_wasm_bg.wasm')) });

/** Every file under a folder, by its path from the repository's root. */
function filesUnder(dir) {
  const out = {};
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const name = `${dir}/${entry.name}`;
    if (entry.isDirectory()) Object.assign(out, filesUnder(name));
    else out[name] = fs.readFileSync(path.join(root, name));
  }
  return out;
}

const everyFile = filesUnder('tests/cases');

/** A session holding every case's files (a case may import another
 * folder's data), loaded with the case `main`, with a fact limit and a
 * time point if given. */
function session(topic, main, { maxFacts, at } = {}) {
  const s = new Session();
  for (const [name, bytes] of Object.entries(everyFile)) s.setFile(name, bytes);
  s.configure(maxFacts, at);
  return { s, loaded: JSON.parse(s.load(main)) };
}

const cases = (topic) =>
  fs.readdirSync(path.join(root, 'tests/cases', topic))
    .filter((f) => f.endsWith('.rules'))
    .sort()
    .map((f) => `tests/cases/${topic}/${f}`);

const expected = (file) => fs.readFileSync(path.join(root, file.replace(/\.rules$/, '.expected')), 'utf8');

/** The codes in a native failure's diagnostics (after `--- exit`). */
const codesIn = (text) => [...new Set(text.match(/entente::[a-z_]+/g) ?? [])].sort();
const codesOf = (problems) => [...new Set(problems.map((p) => p.code))].sort();

/** The native output's failure part, if it failed. */
const failure = (text) => (text.includes('--- exit') ? text.slice(text.indexOf('--- exit')) : null);

test('eval cases: `entente run` prints the same', () => {
  let compared = 0;
  for (const file of cases('eval')) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const args = (text.split('\n')[0].match(/^# args:(.*)$/)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
    const value = (flag) => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : undefined);
    // --jobs and --timeout change nothing of what is printed (a browser
    // has one thread and no clock); an output format is the command
    // line's own.
    const known = ['--all', '--jobs', '--timeout', '--max-facts', '--at', '--format'];
    const unknown = args.filter((a) => a.startsWith('--') && !known.includes(a));
    assert.deepEqual(unknown, [], `${file}: a flag the test does not know`);
    const format = args.includes('--format') ? args[args.indexOf('--format') + 1] : 'text';
    const want = expected(file);
    const { s, loaded } = session('eval', file, { maxFacts: value('--max-facts'), at: value('--at') });
    const failed = failure(want);
    if (failed) {
      assert.equal(loaded.ok, false, `${file} fails natively`);
      assert.deepEqual(codesOf(loaded.problems), codesIn(failed), file);
    } else {
      assert.equal(loaded.ok, true, `${file}: ${JSON.stringify(loaded.problems)}`);
      assert.equal(JSON.parse(s.run(args.includes('--all'), format)).text, want, file);
    }
    compared++;
  }
  assert.equal(compared, cases('eval').length);
});

/** The sections of an expected file: each `== heading` and its text. */
function sections(text) {
  const out = [];
  for (const part of text.split(/^== /m).slice(1)) {
    const end = part.indexOf('\n');
    out.push({ heading: part.slice(0, end), text: part.slice(end + 1) });
  }
  return out;
}

/** Runs a topic's directive lines, each answered by `ask` (`null` for a
 * line that is not one), and compares each answer with its section of the expected file: the
 * text, or for a native failure the diagnostics' codes. */
function directives(topic, ask) {
  let compared = 0;
  for (const file of cases(topic)) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const { s, loaded } = session(topic, file);
    const want = sections(expected(file));
    let at = 0;
    for (const line of text.split('\n')) {
      const answered = ask(line, s, loaded, file);
      if (!answered) continue;
      const section = want[at++];
      assert.ok(section, `${file}: more directives than sections`);
      assert.equal(answered.heading, section.heading, file);
      const failed = failure(section.text);
      if (failed) {
        assert.equal(answered.result.ok, false, `${file}: ${section.heading} fails natively`);
        assert.deepEqual(codesOf(answered.result.problems), codesIn(failed), `${file}: ${section.heading}`);
      } else {
        assert.equal(answered.result.ok, true, `${file}: ${section.heading}: ${JSON.stringify(answered.result.problems)}`);
        assert.equal(answered.text(answered.result), section.text, `${file}: ${section.heading}`);
      }
      compared++;
    }
    assert.equal(at, want.length, `${file}: fewer directives than sections`);
  }
  return compared;
}

test('explain cases: the same proofs and why-nots', () => {
  const compared = directives('explain', (line, s) => {
    const json = line.match(/^# explain-json:(.*)$/)?.[1]?.trim();
    if (json) return { heading: `${json} (json)`, result: JSON.parse(s.explain(json)), text: (r) => `${r.json}\n` };
    const fact = line.match(/^# explain:(.*)$/)?.[1]?.trim();
    if (!fact) return null;
    return { heading: fact, result: JSON.parse(s.explain(fact)), text: (r) => r.text };
  });
  assert.ok(compared >= 20, `only ${compared}`);
});

test('what-if cases: the same changes', () => {
  const compared = directives('what_if', (line, loadedSession, _, file) => {
    const options = line.match(/^# what-if:(.*)$/)?.[1]?.trim();
    if (!options) return null;
    const changes = [];
    let explain = false;
    let format = 'text';
    let at;
    for (const option of options.replace(/^--/, '').split(' --')) {
      const [flag, ...rest] = option.split(' ');
      const value = rest.join(' ');
      if (flag === 'add') changes.push(`+ ${value}`);
      else if (flag === 'retract') changes.push(`- ${value}`);
      else if (flag === 'explain') explain = true;
      else if (flag === 'format') format = value;
      else if (flag === 'at') at = Number(value);
      else assert.fail(`what-if option --${flag}`);
    }
    // At a time point, the program is loaded at it, as `--at` does.
    const s = at === undefined ? loadedSession : session('what_if', file, { at }).s;
    const result = JSON.parse(s.whatIf(changes.join('\n'), explain, format));
    return { heading: options, result, text: (r) => r.text };
  });
  assert.ok(compared >= 5, `only ${compared}`);
});

test('graph cases: the same DOT', () => {
  const compared = directives('graph', (line, s) => {
    const fact = line.match(/^# explain-dot:(.*)$/)?.[1]?.trim();
    if (fact) return { heading: `explain ${fact}`, result: JSON.parse(s.explain(fact)), text: (r) => r.dot };
    const rest = line.match(/^# graph:(.*)$/)?.[1]?.trim();
    if (!rest) return null;
    const [predicates, ...options] = rest.split(' --');
    let at;
    let format = 'dot';
    for (const option of options) {
      const [flag, value] = option.split(' ');
      if (flag === 'at') at = Number(value);
      else if (flag === 'format') format = value;
      else assert.fail(`graph option --${flag}`);
    }
    // DOT as written; JSON with the line `--format json` ends it with.
    const text = (r) => (format === 'json' ? `${r.json}\n` : r.dot);
    return { heading: `graph ${rest}`, result: JSON.parse(s.graph(predicates, at)), text };
  });
  assert.ok(compared >= 5, `only ${compared}`);
});

test('error cases: the same diagnostics (code, message, help)', () => {
  let compared = 0;
  for (const file of cases('errors')) {
    const text = expected(file);
    const { loaded } = session('errors', file);
    const problems = loaded.problems ?? [];
    assert.deepEqual(codesOf(problems), codesIn(text), file);
    // Each message and help as the drawing of the diagnostic says them
    // (it wraps long lines behind a `│`: compared without blanks).
    const bare = (t) => t.replace(/[│\s]+/g, '');
    const drawn = bare(text);
    for (const p of problems) {
      // A file that is not there: the disk's words differ from the
      // browser's (`no such file among the files given`).
      if (p.code === 'entente::io') continue;
      assert.ok(drawn.includes(bare(p.message)), `${file}: ${p.message}`);
      if (p.help) assert.ok(drawn.includes(bare(p.help)), `${file}: ${p.help}`);
    }
    compared++;
  }
  assert.ok(compared >= 20, `only ${compared}`);
});

test('timeline cases: the same intervals', () => {
  const compared = directives('timeline', (line, s) => {
    const rest = line.match(/^# timeline:(.*)$/)?.[1]?.trim();
    if (!rest) return null;
    const [goal, ...options] = rest.split(' --');
    let explained = false;
    let byTime = false;
    let format = 'text';
    for (const option of options) {
      const [flag, value] = option.split(' ');
      if (flag === 'explain') explained = true;
      else if (flag === 'by-time') byTime = true;
      else if (flag === 'format') format = value;
      else assert.fail(`timeline option --${flag}`);
    }
    return { heading: rest, result: JSON.parse(s.timeline(goal, explained, byTime, format)), text: (r) => r.text };
  });
  assert.ok(compared >= 5, `only ${compared}`);
});

test('plan cases: the same plans', () => {
  let compared = 0;
  for (const file of cases('plan')) {
    const { s, loaded } = session('plan', file);
    assert.equal(loaded.ok, true, file);
    assert.equal(JSON.parse(s.plan()).text, expected(file), file);
    compared++;
  }
  assert.ok(compared >= 5, `only ${compared}`);
});

test('fmt cases: the same layout', () => {
  let compared = 0;
  for (const file of cases('fmt')) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const result = JSON.parse(format('case.rules', text));
    assert.equal(result.ok, true, file);
    assert.equal(result.text, expected(file), file);
    compared++;
  }
  assert.ok(compared >= 2, `only ${compared}`);
});

test('syntax cases: every statement read the same', () => {
  let compared = 0;
  for (const file of cases('syntax')) {
    const result = JSON.parse(canonical(file, fs.readFileSync(path.join(root, file), 'utf8')));
    assert.equal(result.ok, true, file);
    assert.equal(result.text, expected(file), file);
    compared++;
  }
  assert.ok(compared >= 5, `only ${compared}`);
});
