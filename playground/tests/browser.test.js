// The playground in a real browser: Debian's Chromium, headless, driven
// by Playwright against the built site (dist/) on a local port, each
// answer compared with what the command line says of the same program.
// Screenshots of each step go to test-results/ for people to look at.
//
// Needs `npm run build` first, /usr/bin/chromium (or CHROMIUM), and the
// entente binary (ENTENTE, else target/debug/entente).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const shots = path.resolve(here, '../test-results');
const binary = process.env.ENTENTE ?? path.join(root, 'target/debug/entente');

/** What the command line prints for these arguments (run from the repository). */
const cli = (...args) => execFileSync(binary, args, { cwd: root, encoding: 'utf8' });
/** The same, run beside the knowledge base, so that files are named as the page names them. */
const cliInRules = (...args) => execFileSync(binary, args, { cwd: path.join(root, 'rules'), encoding: 'utf8' });

let server;
let url;
let browser;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  ({ server, url } = await serve());
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page on the site (or `address`), the South Caucasus loaded,
 * every console error and page error collected. */
async function open(address = url) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(address);
  await ready(page);
  return { page, errors };
}

/** Waits until the program has loaded (its diagnostics are shown) and
 * the page has asked its goal: an answer table drawn after the test's own
 * question would take the focus and the rows from under it. */
async function ready(page) {
  await page.getByTestId('diagnostics').locator('li').first().waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=editor]').dataset.loads ?? 0) > 0);
  await page.waitForFunction(() => document.querySelector('[data-testid=stop]').disabled);
}

/** How many loads the page has finished. */
const loads = (page) => page.evaluate(() => Number(document.querySelector('[data-testid=editor]').dataset.loads ?? 0));

/** How many answers (tables, verdicts or problems) the page has shown. */
const asked = (page) => page.evaluate(() => Number(document.querySelector('[data-testid=answers]').dataset.asked ?? 0));

/** Waits for the answers of a question asked after the `before`-th. */
async function answeredAfter(page, before) {
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=answers]').dataset.asked ?? 0) > n, before);
}

/** Waits for a load after the `before`-th. */
async function loadedAfter(page, before) {
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=editor]').dataset.loads ?? 0) > n, before);
  await page.waitForFunction(() => document.querySelector('[data-testid=stop]').disabled);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** Asks a goal in the page and returns the answers as `entente query` prints them. */
async function ask(page, goal) {
  await page.getByTestId('goal').fill(goal);
  const before = await asked(page);
  await page.getByTestId('run').click();
  await answeredAfter(page, before);
  return page.evaluate(() => {
    const box = document.querySelector('[data-testid=answers]');
    const verdict = box.querySelector('p.verdict');
    if (verdict) return `${verdict.textContent}\n`;
    const rows = [...box.querySelectorAll('tbody tr')];
    if (rows.length === 0) return 'false.\n';
    const names = [...box.querySelectorAll('thead th')].map((th) => th.textContent);
    return rows
      .map((tr) => {
        const cells = [...tr.cells].map((td) => td.textContent);
        const pairs = names.filter((n) => n !== 'when').map((n, i) => `${n} = ${cells[i]}`).join(', ');
        const when = names.includes('when') ? cells[names.indexOf('when')] : '';
        return when ? `${pairs} ${when}\n` : `${pairs}\n`;
      })
      .join('');
  });
}

test('the page loads with the knowledge base, no console error, and its answers are the CLI\'s', async () => {
  const { page, errors } = await open();
  await shot(page, '1-loaded');
  const shown = await page.locator('#queries li').evaluateAll((items) =>
    items.map((li) => `${li.querySelector('code').textContent}\n${li.querySelector('pre').textContent}`).join('\n'));
  assert.equal(shown, cli('run', 'rules/caucasus.rules'));
  assert.equal(await ask(page, 'supports(Who, X)'), cli('query', 'supports(Who, X)', 'rules/caucasus.rules'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a typed error shows its diagnostic, and a fix clears it', async () => {
  const { page, errors } = await open();
  const editor = page.getByTestId('editor').locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nrival(X, Y) if state(X).\n');
  const item = page.getByTestId('diagnostics').locator('li.error');
  await item.first().waitFor();
  const text = await item.first().innerText();
  assert.match(text, /entente::unsafe_variable/);
  assert.match(text, /variable `Y` is not bound/);
  assert.match(text, /caucasus\.rules:\d+:10/);
  await page.locator('.cm-lintRange-error').first().waitFor();
  await shot(page, '2-diagnostic');
  for (let i = 0; i < 'state(X).\n'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('state(X), state(Y), X != Y.\n');
  await page.getByTestId('diagnostics').locator('li.none').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('clicking an answer draws its proof, the CLI\'s picture', async () => {
  const { page } = await open();
  await ask(page, 'defends(Who, azerbaijan)');
  await page.getByTestId('answers').locator('tbody tr').first().click();
  const svg = page.getByTestId('proof').locator('svg');
  await svg.waitFor();
  const drawn = await svg.evaluate((node) => node.outerHTML);
  const expected = cliInRules('explain', 'defends(turkey, azerbaijan)', 'caucasus.rules', '--format', 'svg');
  assert.equal(normalise(drawn), normalise(expected));
  await shot(page, '3-proof');
  await page.close();
});

/** An SVG's markup as the browser keeps it: whitespace between tags and
 * the way empty elements close differ. */
function normalise(svg) {
  const dom = svg.replace(/<\?xml[^>]*>/, '').replace(/>\s+</g, '><').replace(/\s*\/>/g, '>');
  return dom.replace(/<\/(path|line|rect|circle|polygon|polyline|stop|use)>/g, '').trim();
}

test('the time slider at 1995 and 2012 gives the CLI\'s --at answers', async () => {
  const { page } = await open();
  await page.getByTestId('goal').fill('supports(Who, azerbaijan)');
  for (const year of ['1995', '2012']) {
    // As a drag leaves it: the value set, an input event.
    await page.getByTestId('time').evaluate((slider, y) => {
      slider.value = y;
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    }, year);
    await page.waitForFunction((y) => document.querySelector('#time-value').textContent === y, year);
    await page.waitForTimeout(300);
    const shown = await ask(page, 'supports(Who, azerbaijan)');
    assert.equal(shown, cli('query', 'supports(Who, azerbaijan)', 'rules/caucasus.rules', '--at', year));
    await page.getByTestId('network').locator('svg').waitFor();
    await shot(page, `4-time-${year}`);
  }
  await page.close();
});

test('a what-if lists the CLI\'s what-if', async () => {
  const { page } = await open();
  await page.locator('#changes').fill('- membership(armenia, csto)');
  await page.getByRole('button', { name: 'What would change' }).click();
  const out = page.getByTestId('whatif');
  await page.waitForFunction(() => document.querySelector('[data-testid=whatif]').textContent.length > 0);
  assert.equal(await out.textContent(), cli('what-if', 'rules/caucasus.rules', '--retract', 'membership(armenia, csto)'));
  await shot(page, '5-what-if');
  await page.close();
});

test('a CSV loaded from disk is imported and queried', async () => {
  const { page } = await open();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'entente-playground-'));
  const program = path.join(dir, 'pacts.rules');
  const rows = path.join(dir, 'pacts.csv');
  fs.writeFileSync(rows, 'a,b,year\nazerbaijan,turkey,2010\narmenia,russia,1997\n');
  fs.writeFileSync(program, 'import pact(a, b, year) from "pacts.csv".\nold(A, B) if pact(A, B, Y), Y < 2000.\n? old(A, B).\n');
  const before = await loads(page);
  await page.getByTestId('file').setInputFiles([rows, program]);
  await loadedAfter(page, before);
  assert.equal(await page.locator('#queries').innerText(), '? old(A, B).\nA = armenia, B = russia\n');
  // The example's questions went with it: nothing asks of predicates the program lacks.
  assert.equal(await page.locator('#predicates').inputValue(), '');
  assert.equal(await page.getByTestId('network').innerText(), '');
  assert.equal(await ask(page, 'pact(A, B, Y)'), cli('query', 'pact(A, B, Y)', program));
  await shot(page, '6-csv');
  fs.rmSync(dir, { recursive: true });
  await page.close();
});

test('a share link reproduces the program', async () => {
  const { page } = await open();
  const editor = page.getByTestId('editor').locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nfriend(azerbaijan, georgia).\n');
  await page.getByTestId('share').click();
  await page.waitForFunction(() => location.hash.length > 1);
  const link = page.url();
  const program = await page.evaluate(() => window.playground.program());
  assert.match(program, /friend\(azerbaijan, georgia\)/);
  const other = await open(link);
  assert.equal(await other.page.evaluate(() => window.playground.program()), program);
  assert.equal(await ask(other.page, 'friend(azerbaijan, X)'), 'X = georgia\n');
  await shot(other.page, '7-shared');
  await other.page.close();
  await page.close();
});

test('a runaway program is stopped by the stop button, and the page stays usable', async () => {
  const { page, errors } = await open();
  const editor = page.getByTestId('editor').locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('n(0).\nn(Y) if n(X), X < 1000000000, Y = X + 1.\n? n(5).\n');
  const stop = page.getByTestId('stop');
  await page.waitForFunction(() => !document.querySelector('[data-testid=stop]').disabled);
  await page.waitForTimeout(1500);
  assert.match(await page.locator('#status').textContent(), /running… \d+\.\d s · stratum 1 of 1, round [\d,]+, [\d,]+ facts/);
  await shot(page, '8-running');
  await stop.click();
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('stopped'));
  // Usable: a new program runs and answers.
  const before = await loads(page);
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('n(0).\nn(Y) if n(X), X < 10, Y = X + 1.\n');
  await loadedAfter(page, before);
  assert.equal(await ask(page, 'n(9)'), 'true.\n');
  assert.deepEqual(errors, []);
  await shot(page, '9-after-stop');
  await page.close();
});

test('the examples load, and every one runs without an error', async () => {
  const { page } = await open();
  const options = await page.getByTestId('examples').locator('option').evaluateAll((o) => o.map((x) => x.value));
  for (const value of options) {
    await page.getByTestId('examples').selectOption(value);
    await ready(page);
    await page.getByTestId('diagnostics').locator('li.none, li.warning').first().waitFor();
    assert.equal(await page.getByTestId('diagnostics').locator('li.error').count(), 0);
  }
  await page.close();
});

test('Format lays the program out as entente fmt does', async () => {
  const { page } = await open();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'entente-playground-'));
  const file = path.join(dir, 'messy.rules');
  const messy = 'ally(X,Y):-treaty(X,Y).   treaty(a,b).\n? ally(a,  Who).\n';
  fs.writeFileSync(file, messy);
  const before = await loads(page);
  await page.getByTestId('file').setInputFiles([file]);
  await loadedAfter(page, before);
  await page.getByRole('button', { name: 'Format' }).click();
  cli('fmt', file);
  await page.waitForFunction((want) => window.playground.program() === want, fs.readFileSync(file, 'utf8'));
  fs.rmSync(dir, { recursive: true });
  await page.close();
});

test('once loaded, the page works offline', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await ready(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // A second visit goes through the service worker, which keeps what it fetches.
  await page.reload();
  await ready(page);
  await context.setOffline(true);
  await page.reload();
  await ready(page);
  assert.equal(await ask(page, 'supports(turkey, azerbaijan)'), 'true.\n');
  await shot(page, '10-offline');
  await context.close();
});

test('the page is usable by keyboard alone', async () => {
  const { page } = await open();
  await page.getByTestId('goal').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('supports(Who, azerbaijan)');
  // The answers this question shows, not a table drawn before it.
  const before = await asked(page);
  await page.keyboard.press('Enter');
  await answeredAfter(page, before);
  // Tab from Run, past the time controls, to the first answer.
  await page.getByTestId('run').focus();
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => Boolean(document.activeElement.closest('tbody')))) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr')?.cells[0].textContent), 'israel');
  await page.keyboard.press('Enter');
  await page.getByTestId('proof').locator('svg').waitFor();
  assert.equal(await page.locator('#fact').inputValue(), 'supports(israel, azerbaijan)');
  await shot(page, '11-keyboard');
  await page.close();
});

test('Timeline lists each answer with when it holds, as entente timeline does', async () => {
  const { page } = await open();
  await page.getByTestId('goal').fill('supports(Who, azerbaijan)');
  await page.getByRole('button', { name: 'Timeline' }).click();
  await page.locator('#answers pre.timeline').waitFor();
  assert.equal(
    await page.locator('#answers pre.timeline').textContent(),
    cli('timeline', 'supports(Who, azerbaijan)', 'rules/caucasus.rules'),
  );
  await shot(page, '12-timeline');
  await page.close();
});
