// The engine's thread: one Session of the WebAssembly build, answering the
// page's requests one at a time. A long run blocks this worker only; the
// page stops it by ending the worker and starting another.
import init, { Session } from './pkg/entente_wasm.js';

const ready = init();
let session = null;

// Where a run stands, told to the page at most five times a second.
let told = 0;
self.ententeProgress = (stratum, strata, round, derived) => {
  const now = performance.now();
  if (now - told < 200) return;
  told = now;
  self.postMessage({ progress: { stratum, strata, round, derived } });
};

self.onmessage = async ({ data: { id, op, args } }) => {
  await ready;
  if (!session) {
    session = new Session();
    session.reportProgress();
  }
  let result;
  try {
    result = answer(op, args);
  } catch (error) {
    // A failure of the binding itself, said rather than left unanswered.
    result = JSON.stringify({ ok: false, problems: [{ code: 'playground', message: String(error) }] });
  }
  self.postMessage({ id, result: JSON.parse(result) });
};

function answer(op, args) {
  let result;
  switch (op) {
    case 'load':
      for (const [name, contents] of Object.entries(args.files)) {
        const bytes = typeof contents === 'string' ? new TextEncoder().encode(contents) : contents;
        session.setFile(name, bytes);
      }
      result = session.load(args.main);
      break;
    case 'run':
      result = session.run(Boolean(args.all), args.format ?? 'text');
      break;
    case 'query':
      result = session.query(args.goal, args.at ?? undefined);
      break;
    case 'timeline':
      result = session.timeline(args.goal, Boolean(args.explained), Boolean(args.byTime), args.format ?? 'text');
      break;
    case 'explain':
      result = session.explain(args.fact, args.at ?? undefined);
      break;
    case 'graph':
      result = session.graph(args.predicates, args.at ?? undefined);
      break;
    case 'whatIf':
      result = session.whatIf(args.changes, Boolean(args.explain), args.format ?? 'text');
      break;
    default:
      result = JSON.stringify({ ok: false, problems: [{ code: 'playground', message: `unknown request ${op}` }] });
  }
  return result;
}
