// How long the built page takes to load from a local server, in Debian's
// Chromium: from navigation to the knowledge base loaded, run, and its
// queries answered (the first diagnostics shown), each time in a fresh
// browser context (nothing cached); and the size of the WebAssembly
// module, raw and gzipped. Run after `npm run build`:
//
//   node bench/load.js [runs]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../tests/serve.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/assets');
const runs = Number(process.argv[2] ?? 7);
const { server, url } = await serve();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const times = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const start = performance.now();
  await page.goto(url);
  await page.getByTestId('diagnostics').locator('li').first().waitFor();
  await page.locator('#queries li').first().waitFor();
  times.push(performance.now() - start);
  await context.close();
}
await browser.close();
server.close();
times.sort((a, b) => a - b);
const wasm = fs.readdirSync(dist).find((f) => f.endsWith('.wasm'));
const bytes = fs.readFileSync(path.join(dist, wasm));
const mb = (n) => (n / 1e6).toFixed(2);
console.log(`page loaded and answered: median ${times[times.length >> 1].toFixed(0)} ms, best ${times[0].toFixed(0)} ms, worst ${times[times.length - 1].toFixed(0)} ms (${runs} runs)`);
console.log(`wasm module: ${mb(bytes.length)} MB, gzip -9 ${mb(zlib.gzipSync(bytes, { level: 9 }).length)} MB`);
