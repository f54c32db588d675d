// The page's side of the engine: requests to the worker, one at a time,
// each a promise; `stop()` ends a request that runs too long (the worker
// is ended and a fresh one started, which must be given the program
// again); `onBusy` and `onProgress` let the page show a run in progress
// and where it stands.
export class Engine {
  constructor(onBusy, onProgress) {
    this.onBusy = onBusy;
    this.onProgress = onProgress;
    this.next = 1;
    this.pending = new Map();
    this.start();
  }

  start() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = ({ data: { id, result, progress } }) => {
      if (progress) {
        this.onProgress?.(progress);
        return;
      }
      const pending = this.pending.get(id);
      this.pending.delete(id);
      this.changed();
      pending?.resolve(result);
    };
  }

  get busy() {
    return this.pending.size > 0;
  }

  changed() {
    this.onBusy?.(this.busy);
  }

  ask(op, args) {
    const id = this.next++;
    const answer = new Promise((resolve) => this.pending.set(id, { resolve, since: performance.now() }));
    this.worker.postMessage({ id, op, args });
    this.changed();
    return answer;
  }

  /** Ends every request under way; each answers `{stopped: true}`. */
  stop() {
    this.worker.terminate();
    for (const { resolve } of this.pending.values()) {
      resolve({ ok: false, stopped: true, problems: [] });
    }
    this.pending.clear();
    this.start();
    this.changed();
  }
}
