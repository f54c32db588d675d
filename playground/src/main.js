// The playground page: an editor for the program, its diagnostics as you
// type, a goal and its answers (click one for its proof), a typed fact's
// proof or why-not, the network of chosen predicates, a time slider, a
// what-if, examples, files from disk and a share link. The engine is the
// WebAssembly build in a worker (engine.js); the editor's colours come
// from the same build's tokens, so a word is coloured as the engine reads
// it.
import { EditorView, basicSetup } from 'codemirror';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration, keymap } from '@codemirror/view';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import init, { format, tokens } from './pkg/entente_wasm.js';
import { Engine } from './engine.js';
import { examples } from './examples.js';
import { share, shared } from './share.js';
import './style.css';

const $ = (id) => document.getElementById(id);
const syntax = init();

/** The program's files by name; `main` is the one in the editor. */
const state = {
  files: {},
  main: 'main.rules',
  points: [],
  temporal: false,
  loaded: false,
  explained: null,
};

// Busy: the status line counts the seconds and says where the run
// stands (stratum, round, facts derived), and Stop ends the run.
let ticking = null;
let standing = '';
const engine = new Engine(
  (busy) => {
    $('stop').disabled = !busy;
    clearInterval(ticking);
    standing = '';
    if (!busy && $('status').textContent.startsWith('running')) {
      $('status').textContent = state.loaded ? 'ready' : '';
    }
    if (busy) {
      const since = performance.now();
      const show = () => {
        $('status').textContent = `running… ${((performance.now() - since) / 1000).toFixed(1)} s${standing}`;
      };
      show();
      ticking = setInterval(show, 100);
    }
  },
  ({ stratum, strata, round, derived }) => {
    standing = ` · stratum ${stratum} of ${strata}, round ${round.toLocaleString('en')}, ${derived.toLocaleString('en')} facts`;
  },
);

$('stop').addEventListener('click', () => {
  engine.stop();
  state.loaded = false;
  $('status').textContent = 'stopped: edit the program to run it again';
});

// --- The editor ---------------------------------------------------------

const paint = StateEffect.define();
const colours = StateField.define({
  create: () => Decoration.none,
  update: (value, tr) => {
    value = value.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(paint)) value = effect.value;
    }
    return value;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const marks = {};
const mark = (kind) => (marks[kind] ??= Decoration.mark({ class: `tok-${kind}` }));

async function colour(view) {
  await syntax;
  const text = view.state.doc.toString();
  const found = JSON.parse(tokens(text));
  if (view.state.doc.toString() !== text) return;
  const ranges = found.filter(([from, to]) => to > from).map(([from, to, kind]) => mark(kind).range(from, to));
  view.dispatch({ effects: paint.of(Decoration.set(ranges, true)) });
}

let checking = null;
const editor = new EditorView({
  parent: $('editor'),
  state: EditorState.create({
    doc: '',
    extensions: [
      basicSetup,
      colours,
      lintGutter(),
      keymap.of([{ key: 'Mod-Enter', run: () => (check(), true) }]),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        colour(update.view);
        clearTimeout(checking);
        checking = setTimeout(check, 300);
      }),
      EditorView.contentAttributes.of({ 'aria-label': 'The program' }),
    ],
  }),
});

function setProgram(text) {
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
}

$('format').addEventListener('click', async () => {
  await syntax;
  const result = JSON.parse(format(state.main, editor.state.doc.toString()));
  if (result.ok) {
    if (result.text !== editor.state.doc.toString()) setProgram(result.text);
  } else {
    $('status').textContent = 'mend the syntax errors to format';
  }
});

// --- Checking and running the program -----------------------------------

/** Loads the program in the editor: diagnostics, the file's queries, the
 * time slider; then asks the goal and draws the network again. A load
 * under way when the text changes is stopped: only the newest counts. */
async function check() {
  if (engine.busy) engine.stop();
  state.files[state.main] = editor.state.doc.toString();
  const result = await engine.ask('load', { files: state.files, main: state.main });
  if (result.stopped) return;
  state.loaded = result.ok;
  showProblems(result.problems ?? []);
  $('status').textContent = result.ok ? 'ready' : 'the program has errors';
  if (result.ok) {
    showQueries(result.queries);
    state.temporal = result.temporal;
    state.points = result.points;
    showTime();
    if ($('goal').value.trim()) await ask();
    if ($('predicates').value.trim()) await draw();
  }
  // How many loads have finished, with the answers and the picture they
  // redraw: what a test waits on before it asks or tabs through the page.
  $('editor').dataset.loads = String(Number($('editor').dataset.loads ?? 0) + 1);
}

function showProblems(problems) {
  const list = $('diagnostics');
  list.replaceChildren();
  const inEditor = [];
  for (const p of problems) {
    const item = document.createElement('li');
    item.className = p.severity ?? 'error';
    const where = p.file ? `${p.file}:${p.line}:${p.column}` : '';
    item.innerHTML = `<code class="code"></code> <span class="message"></span> <span class="where"></span>`;
    item.querySelector('.code').textContent = p.code;
    item.querySelector('.message').textContent = p.message;
    item.querySelector('.where').textContent = where;
    if (p.help) {
      const help = document.createElement('div');
      help.className = 'help';
      help.textContent = `help: ${p.help}`;
      item.append(help);
    }
    if (p.file === state.main && p.from !== undefined) {
      const length = editor.state.doc.length;
      const from = Math.min(p.from, length);
      inEditor.push({
        from,
        to: Math.max(from, Math.min(p.to, length)),
        severity: p.severity === 'warning' ? 'warning' : 'error',
        message: `${p.code}: ${p.message}${p.help ? `\nhelp: ${p.help}` : ''}`,
      });
      item.tabIndex = 0;
      const go = () => {
        editor.dispatch({ selection: { anchor: from }, scrollIntoView: true });
        editor.focus();
      };
      item.addEventListener('click', go);
      item.addEventListener('keydown', (e) => e.key === 'Enter' && go());
    }
    list.append(item);
  }
  if (problems.length === 0) {
    const item = document.createElement('li');
    item.className = 'none';
    item.textContent = 'No problems.';
    list.append(item);
  }
  editor.dispatch(setDiagnostics(editor.state, inEditor));
}

function showQueries(queries) {
  const list = $('queries');
  list.replaceChildren();
  for (const q of queries) {
    const item = document.createElement('li');
    const query = document.createElement('code');
    query.textContent = q.query;
    const answer = document.createElement('pre');
    answer.textContent = q.answers;
    item.append(query, answer);
    item.tabIndex = 0;
    const ask = () => {
      $('goal').value = q.query.replace(/^\?-?\s*/, '').replace(/\s+at\s+-?\d+\s*\.$/, '').replace(/\.$/, '');
      $('ask').requestSubmit();
    };
    item.addEventListener('click', ask);
    item.addEventListener('keydown', (e) => e.key === 'Enter' && ask());
    list.append(item);
  }
}

// --- Time ----------------------------------------------------------------

function showTime() {
  const box = $('time-box');
  box.hidden = !state.temporal || state.points.length === 0;
  $('when').hidden = box.hidden;
  if (box.hidden) return;
  const slider = $('time');
  const first = state.points[0] - 1;
  const last = state.points[state.points.length - 1];
  slider.min = String(first);
  slider.max = String(last);
  const value = Number(slider.value);
  if (!(value >= first && value <= last)) slider.value = String(last);
  showAt();
}

/** The time point asked about: the slider's, unless "every time". */
function at() {
  return state.temporal && !$('time-every').checked ? Number($('time').value) : null;
}

function showAt() {
  $('time-value').textContent = $('time-every').checked ? '' : $('time').value;
}

let sliding = null;
$('time').addEventListener('input', () => {
  $('time-every').checked = false;
  showAt();
  clearTimeout(sliding);
  sliding = setTimeout(again, 120);
});
$('time-every').addEventListener('change', () => {
  showAt();
  again();
});

async function again() {
  if ($('goal').value.trim()) await ask();
  if ($('predicates').value.trim()) await draw();
  if (state.explained) await explain(state.explained);
}

// --- Questions -----------------------------------------------------------

$('ask').addEventListener('submit', (e) => {
  e.preventDefault();
  ask();
});

async function ask() {
  const goal = $('goal').value.trim();
  if (!goal) return;
  const result = await engine.ask('query', { goal, at: at() });
  const box = $('answers');
  box.replaceChildren();
  box.append(result.ok ? answersTable(goal, result) : problemsBlock(result));
  // How many answers have been shown: what a test waits on before it
  // tabs into them.
  box.dataset.asked = String(Number(box.dataset.asked ?? 0) + 1);
}

$('when').addEventListener('click', async () => {
  const goal = $('goal').value.trim();
  if (!goal) return;
  const result = await engine.ask('timeline', { goal });
  const box = $('answers');
  box.replaceChildren();
  if (!result.ok) {
    box.append(problemsBlock(result));
    return;
  }
  const text = document.createElement('pre');
  text.className = 'timeline';
  text.textContent = result.text;
  box.append(text);
});

function problemsBlock(result) {
  const block = document.createElement('div');
  block.className = 'problems';
  block.textContent = result.stopped
    ? 'Stopped.'
    : result.problems.map((p) => `${p.code}: ${p.message}${p.help ? `\nhelp: ${p.help}` : ''}`).join('\n');
  return block;
}

function answersTable(goal, result) {
  const timed = result.when.some((w) => w);
  if (result.variables.length === 0) {
    const verdict = document.createElement('p');
    verdict.className = `verdict ${result.rows.length ? 'true' : 'false'}`;
    verdict.textContent = result.text.trim();
    if (result.rows.length) {
      verdict.tabIndex = 0;
      verdict.title = 'Show the proof';
      verdict.addEventListener('click', () => explainAnswer(goal, result.variables, []));
    }
    return verdict;
  }
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const name of [...result.variables, ...(timed ? ['when'] : [])]) {
    const th = document.createElement('th');
    th.textContent = name;
    head.append(th);
  }
  const body = table.createTBody();
  result.rows.forEach((row, i) => {
    const tr = body.insertRow();
    for (const value of row) tr.insertCell().textContent = value;
    if (timed) tr.insertCell().textContent = result.when[i];
    tr.tabIndex = 0;
    tr.title = 'Show the proof';
    const show = () => explainAnswer(goal, result.variables, row);
    tr.addEventListener('click', show);
    tr.addEventListener('keydown', (e) => e.key === 'Enter' && show());
  });
  const caption = table.createCaption();
  caption.textContent = `${result.rows.length} answer${result.rows.length === 1 ? '' : 's'}`;
  if (result.rows.length === 0) caption.textContent = 'false: no answers';
  return table;
}

/** The proof of an answer: the goal's first atom with the answer's values
 * written for its variables (read by the engine's own tokens). */
async function explainAnswer(goal, variables, row) {
  await syntax;
  const atom = firstAtom(goal);
  let fact = '';
  let last = 0;
  // A statement ends with `.`: the goal's atom read as a fact.
  for (const [from, to, kind] of JSON.parse(tokens(`${atom}.`))) {
    if (kind !== 'variable') continue;
    const i = variables.indexOf(atom.slice(from, to));
    if (i < 0) continue;
    fact += atom.slice(last, from) + row[i];
    last = to;
  }
  fact += atom.slice(last);
  $('fact').value = fact;
  await explain(fact);
  $('proof').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

/** The first atom of a goal: up to the parenthesis that closes its
 * arguments (or the first `,` or ` and ` of a goal without any). */
function firstAtom(goal) {
  let depth = 0;
  let quoted = false;
  const text = goal.replace(/^\?-?\s*/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return text.slice(0, i + 1);
    if (depth === 0 && (c === ',' || c === '.')) return text.slice(0, i).trim();
  }
  return text.trim();
}

$('explain').addEventListener('submit', (e) => {
  e.preventDefault();
  explain($('fact').value.trim());
});

async function explain(fact) {
  if (!fact) return;
  state.explained = fact;
  const result = await engine.ask('explain', { fact, at: at() });
  const box = $('proof');
  box.replaceChildren();
  if (!result.ok) {
    box.append(problemsBlock(result));
    return;
  }
  box.append(picture(result.svg, result.holds ? 'proof' : 'why-not'));
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'As text';
  const text = document.createElement('pre');
  text.textContent = result.text;
  details.append(summary, text);
  box.append(details);
}

/** An SVG drawn by the engine, as an image (its text is the engine's). */
function picture(svg, kind) {
  const figure = document.createElement('figure');
  figure.className = kind;
  figure.innerHTML = svg;
  return figure;
}

$('network-form').addEventListener('submit', (e) => {
  e.preventDefault();
  draw();
});

async function draw() {
  const predicates = $('predicates').value.trim();
  if (!predicates) return;
  const result = await engine.ask('graph', { predicates, at: at() });
  const box = $('network');
  box.replaceChildren();
  box.append(result.ok ? picture(result.svg, 'network') : problemsBlock(result));
}

$('whatif-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const result = await engine.ask('whatIf', { changes: $('changes').value });
  $('whatif').textContent = result.ok
    ? result.text
    : result.stopped
      ? 'Stopped.'
      : result.problems.map((p) => `${p.code}: ${p.message}`).join('\n');
});

// --- Examples, files, share links ---------------------------------------

const select = $('examples');
for (const [i, example] of examples.entries()) {
  select.add(new Option(example.title, String(i)));
}
select.addEventListener('change', () => open(examples[Number(select.value)]));

function open(example) {
  state.files = { ...example.files };
  state.main = example.main;
  clearQuestions(example);
  showFiles();
  setProgram(example.files[example.main]);
}

/** Puts the questions of a program (an example's, or none) in place of
 * the last program's, and clears what they showed. */
function clearQuestions(example = {}) {
  $('goal').value = example.goal ?? '';
  $('predicates').value = example.network ?? '';
  $('changes').value = example.whatIf ?? '';
  $('fact').value = '';
  state.explained = null;
  $('answers').replaceChildren();
  $('proof').replaceChildren();
  $('network').replaceChildren();
  $('whatif').textContent = '';
  $('time-every').checked = true;
}

function showFiles() {
  const names = Object.keys(state.files).filter((n) => n !== state.main);
  $('files').textContent = names.length ? `${state.main}, with ${names.join(', ')}` : state.main;
}

$('file').addEventListener('change', async (e) => {
  let program = null;
  for (const file of e.target.files) {
    if (file.name.endsWith('.rules')) {
      program = { name: file.name, text: await file.text() };
    } else {
      state.files[file.name] = new Uint8Array(await file.arrayBuffer());
    }
  }
  e.target.value = '';
  if (program) {
    delete state.files[state.main];
    state.main = program.name;
    state.files[state.main] = program.text;
    clearQuestions();
    showFiles();
    setProgram(program.text);
    clearTimeout(checking);
    check();
  } else {
    showFiles();
    check();
  }
});

$('share').addEventListener('click', async () => {
  const link = await share(state.main, editor.state.doc.toString());
  history.replaceState(null, '', link);
  try {
    await navigator.clipboard.writeText(link);
    $('status').textContent = 'link copied';
  } catch {
    $('status').textContent = 'link in the address bar';
  }
});

// Offline once loaded: a service worker keeps the site's files.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch(() => {});
}

// For scripts that drive the page (its tests): the program as it stands.
window.playground = { program: () => editor.state.doc.toString() };

const fromLink = await shared(location.hash);
if (fromLink) {
  open({ title: fromLink.main, main: fromLink.main, files: { ...examples[0].files, [fromLink.main]: fromLink.text } });
  select.value = '';
} else {
  open(examples[0]);
}
