// Browser test of the admin console, run against a live admin service.
//
//   ADMIN_URL=http://127.0.0.1:6060 [SCREENSHOTS=/tmp/shots] [CHROMIUM=/usr/bin/chromium] \
//   [WORKER_BIN=/path/to/pipy] node test/console.test.mjs
//
// ADMIN_URL is the origin that serves the console page and the admin API (the
// repo mode admin port). It creates a codebase with a random name, edits,
// saves, publishes, runs and stops it through the page, checking the results
// through the API, and deletes it at the end. With WORKER_BIN set it also
// starts that binary as a worker of the codebase and waits for it to show up
// in the instances panel. Exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

const ADMIN_URL = (process.env.ADMIN_URL || 'http://127.0.0.1:6060').replace(/\/+$/, '');
const SHOTS = process.env.SCREENSHOTS || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WORKER_BIN = process.env.WORKER_BIN || '';
const RAND = Math.random().toString(36).slice(2, 8);
const CB = `/console-test-${RAND}`;
const PORT = Number(process.env.HELLO_PORT || 20000 + Math.floor(Math.random() * 20000));
const SCRIPT = `pipy().listen(${PORT}).serveHTTP(new Message('hello from console\\n'))`;
const HELLO = 'hello from console\n';

let passed = 0, failed = 0, skipped = 0, shot = 0;
let page, browser, worker;
const pageErrors = [];

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function waitFor(what, fn, timeout = 10000, interval = 200) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ' (' + last.message + ')' : ''}`);
    await sleep(interval);
  }
}

async function screenshot(name) {
  if (!SHOTS || !page) return;
  shot++;
  const file = join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  try { await page.screenshot({ path: file }); } catch (e) { console.log(`  (screenshot ${file} failed: ${e.message})`); }
}

let stopped = false;
async function step(name, fn) {
  if (stopped) { skipped++; console.log(`SKIP ${name}`); return; }
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`PASS ${name} (${Date.now() - t0} ms)`);
    await screenshot(name);
  } catch (e) {
    failed++;
    stopped = true;
    console.log(`FAIL ${name}: ${e.message}`);
    const bar = page && await page.locator('[data-test=error]:visible').textContent({ timeout: 500 }).catch(() => null);
    if (bar) console.log(`     error bar shows: ${bar.trim()}`);
    await screenshot(`${name}-FAILED`);
  }
}

function expect(cond, msg) { if (!cond) throw new Error(msg); }

async function http(method, path, body) {
  const res = await fetch(ADMIN_URL + path, { method, body, signal: AbortSignal.timeout(10000) });
  return { status: res.status, text: await res.text() };
}

// GET http://127.0.0.1:PORT/ on a fresh connection, never hanging
async function hello() {
  const res = await fetch(`http://127.0.0.1:${PORT}/`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(3000) });
  return res.text();
}

// true once nothing accepts connections on PORT
function portClosed() {
  return new Promise(resolve => {
    const s = net.connect(PORT, '127.0.0.1');
    s.setTimeout(2000);
    s.on('connect', () => { s.destroy(); resolve(false); });
    s.on('timeout', () => { s.destroy(); resolve(false); });
    s.on('error', () => resolve(true));
  });
}

const tid = id => `[data-test="${id}"]`;
const text = async id => ((await page.locator(tid(id)).first().textContent()) || '').trim();
const errorVisible = () => page.locator(tid('error')).isVisible();

async function main() {
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  console.log(`console test against ${ADMIN_URL}, codebase ${CB}, hello port ${PORT}`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(10000);
  page.on('pageerror', e => pageErrors.push(e.message));
  page.on('dialog', d => d.accept());

  await step('page loads', async () => {
    const res = await page.goto(ADMIN_URL + '/', { waitUntil: 'load' });
    expect(res && res.ok(), `GET / answered ${res && res.status()}`);
    expect((await page.title()).includes('Pipy'), `unexpected title "${await page.title()}"`);
    await page.locator(tid('codebase-list')).waitFor();
    for (const id of ['new-name', 'new-base', 'create', 'log', 'metrics']) {
      expect(await page.locator(tid(id)).count() === 1, `missing [data-test=${id}]`);
    }
    await sleep(500);
    expect(!await errorVisible(), `error bar visible: ${await text('error')}`);
  });

  let version0 = '';
  await step('create codebase', async () => {
    await page.fill(tid('new-name'), CB);
    await page.click(tid('create'));
    await page.locator(`${tid('codebase-item')}[data-name="${CB}"]`).waitFor();
    await waitFor('the new codebase to open', async () => (await text('codebase-name')) === CB);
    version0 = await waitFor('a version', async () => text('version'));
    const r = await http('GET', '/api/v1/repo' + CB);
    expect(r.status === 200, `GET /api/v1/repo${CB} answered ${r.status}`);
    expect(JSON.parse(r.text).version === version0, `page shows version ${version0}, API says ${JSON.parse(r.text).version}`);
    expect(!await errorVisible(), `error bar visible: ${await text('error')}`);
  });

  await step('file tree and editor', async () => {
    await page.locator(tid('file-tree')).waitFor();
    await waitFor('a file in the tree', async () => (await page.locator(tid('file')).count()) > 0);
    const main = page.locator(`${tid('file')}[data-name="/main.js"]`);
    if (await main.count()) {
      await main.click();
      await waitFor('/main.js to open', async () => (await text('current-file')) === '/main.js');
    } else {
      // no default main file: add one and make it main
      await page.fill(tid('new-file'), '/main.js');
      await page.click(tid('add-file'));
      await waitFor('/main.js to open', async () => (await text('current-file')) === '/main.js');
      await page.click(tid('set-main'));
      await waitFor('main to be /main.js', async () => (await text('main')) === '/main.js');
    }
    await page.locator(`${tid('editor')} .cm-content`).waitFor();
  });

  await step('type a script into the editor', async () => {
    const content = page.locator(`${tid('editor')} .cm-content`);
    await content.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(SCRIPT, { delay: 2 });
    const shown = await page.evaluate(() => window.pipyConsole ? window.pipyConsole.editor.text() : null);
    if (shown !== null) expect(shown === SCRIPT, `editor holds ${JSON.stringify(shown)}`);
    await waitFor('the unsaved marker', async () => (await text('dirty')) !== '');
    // JavaScript highlighting: the editor marks up tokens
    expect(await page.locator(`${tid('editor')} .cm-line span`).count() > 0, 'no syntax highlighting in the editor');
  });

  await step('save', async () => {
    await page.click(tid('save'));
    await waitFor('the unsaved marker to go', async () => (await text('dirty')) === '');
    expect(!await errorVisible(), `error bar visible: ${await text('error')}`);
    const r = await http('GET', `/api/v1/repo-files${CB}/main.js`);
    expect(r.status === 200, `GET /api/v1/repo-files${CB}/main.js answered ${r.status}`);
    expect(r.text === SCRIPT, `saved text is ${JSON.stringify(r.text)}, expected ${JSON.stringify(SCRIPT)}`);
  });

  await step('pipeline graph', async () => {
    await page.click(tid('graph-refresh'));
    await waitFor('graph nodes', async () => (await page.locator(`${tid('graph')} ${tid('graph-node')}`).count()) >= 2);
    const all = await page.locator(`${tid('graph')} ${tid('graph-node')}`).allTextContents();
    expect(all.some(t => t.includes('serveHTTP')), `graph shows ${JSON.stringify(all)}, no serveHTTP`);
  });

  await step('publish bumps the version', async () => {
    const want = String((parseInt(version0, 10) || 0) + 1);
    await page.click(tid('publish'));
    await waitFor(`version ${want} on the page`, async () => (await text('version')) === want);
    const r = await http('GET', '/api/v1/repo' + CB);
    expect(JSON.parse(r.text).version === want, `API says version ${JSON.parse(r.text).version}, expected ${want}`);
    expect(!await errorVisible(), `error bar visible: ${await text('error')}`);
  });

  await step('add a file, make it main, graph error, delete it', async () => {
    await page.fill(tid('new-file'), '/extra.js');
    await page.click(tid('add-file'));
    await page.locator(`${tid('file')}[data-name="/extra.js"]`).waitFor();
    await waitFor('/extra.js to open', async () => (await text('current-file')) === '/extra.js');
    const r = await http('GET', `/api/v1/repo-files${CB}/extra.js`);
    expect(r.status === 200, `GET /api/v1/repo-files${CB}/extra.js answered ${r.status}`);
    await page.click(tid('set-main'));
    await waitFor('main to be /extra.js', async () => (await text('main')) === '/extra.js');
    expect(JSON.parse((await http('GET', '/api/v1/repo' + CB)).text).main === '/extra.js', 'API does not say main is /extra.js');
    // an unsaved broken main file: the graph request fails and says why
    await page.locator(`${tid('editor')} .cm-content`).click();
    await page.keyboard.type('pipy().listen(', { delay: 2 });
    await page.click(tid('graph-refresh'));
    await page.locator(`${tid('graph')} ${tid('graph-error')}`).waitFor();
    await page.locator(tid('error')).waitFor({ state: 'visible' });
    await screenshot('graph-error');
    await page.click(tid('error-close'));
    // back to /main.js as main; delete /extra.js
    await page.click(tid('delete-file'));
    await waitFor('/extra.js to leave the tree', async () => {
      const li = page.locator(`${tid('file')}[data-name="/extra.js"]`);
      return (await li.count()) === 0 || /erased/.test(await li.getAttribute('class'));
    });
    await page.click(`${tid('file')}[data-name="/main.js"]`);
    await waitFor('/main.js to open', async () => (await text('current-file')) === '/main.js');
    await page.click(tid('set-main'));
    await waitFor('main to be /main.js', async () => (await text('main')) === '/main.js');
    const g = await http('GET', `/api/v1/repo-files${CB}/extra.js`);
    expect(g.status === 404, `GET of the deleted /extra.js answered ${g.status}`);
    expect(!await errorVisible(), `error bar visible: ${await text('error')}`);
  });

  await step('derive a codebase', async () => {
    const child = CB + '-child';
    await page.fill(tid('new-name'), child);
    await page.selectOption(tid('new-base'), CB);
    await page.click(tid('create'));
    await waitFor('the derived codebase to open', async () => (await text('codebase-name')) === child);
    await waitFor('its base to show', async () => (await text('base')) === CB);
    await page.locator(`${tid('file')}[data-name="/main.js"]`).waitFor();
    const info = JSON.parse((await http('GET', '/api/v1/repo' + child)).text);
    expect(info.base === CB, `API says the base is ${info.base}`);
    const f = await http('GET', `/api/v1/repo-files${child}/main.js`);
    expect(f.text === SCRIPT, `derived /main.js is ${JSON.stringify(f.text)}`);
    await screenshot('derived');
    await page.click(tid('delete-codebase'));
    await page.locator(`${tid('codebase-item')}[data-name="${child}"]`).waitFor({ state: 'detached' });
    await page.click(`${tid('codebase-item')}[data-name="${CB}"]`);
    await waitFor('the codebase to open again', async () => (await text('codebase-name')) === CB);
    await waitFor('/main.js to open', async () => (await text('current-file')) === '/main.js');
  });

  await step('run locally', async () => {
    await page.click(tid('run'));
    await waitFor('the program line to name the codebase', async () => (await text('program')) === CB);
    const body = await waitFor(`the script to answer on port ${PORT}`, hello);
    expect(body === HELLO, `port ${PORT} answered ${JSON.stringify(body)}`);
    const r = await http('GET', '/api/v1/program');
    expect(r.text.trim() === CB, `GET /api/v1/program says ${JSON.stringify(r.text)}`);
  });

  await step('log shows the program starting', async () => {
    await waitFor('the log socket to connect', async () => (await text('log-status')) === 'connected', 10000);
    await waitFor(`a log line about port ${PORT}`,
      async () => ((await page.locator(tid('log-output')).textContent()) || '').includes(String(PORT)), 10000);
  });

  await step('metrics charts', async () => {
    await waitFor('metric charts', async () => (await page.locator(`${tid('metrics')} ${tid('metric-chart')}`).count()) > 0, 15000, 500);
    expect(await page.locator(`${tid('metrics')} svg polyline`).count() > 0, 'no chart lines drawn');
  });

  await step('stop', async () => {
    await page.click(tid('stop'));
    await waitFor('the program line to say not running', async () => (await text('program')) === 'not running');
    const r = await http('GET', '/api/v1/program');
    expect(r.text.trim() === '', `GET /api/v1/program still says ${JSON.stringify(r.text)}`);
    await waitFor(`port ${PORT} to close`, portClosed, 5000);
  });

  if (WORKER_BIN) {
    await step('worker instance shows up', async () => {
      worker = spawn(WORKER_BIN, [`${ADMIN_URL}/repo${CB}/`], { stdio: 'ignore' });
      await waitFor('an instance row', async () => (await page.locator(`${tid('instances')} ${tid('instance')}`).count()) > 0, 20000, 500);
      const uuid = await page.locator(tid('instance')).first().getAttribute('data-uuid');
      expect(uuid, 'the instance row has no uuid');
      const body = await waitFor(`the worker to answer on port ${PORT}`, hello);
      expect(body === HELLO, `worker answered ${JSON.stringify(body)}`);
      // the instance's own log, streamed through the admin service
      await page.locator(tid('instance-log')).first().click();
      await waitFor('the log source to be the instance', async () => (await page.locator(tid('log-source')).inputValue()) === uuid);
      await waitFor('the log socket to connect', async () => (await text('log-status')) === 'connected', 10000);
      await waitFor(`the worker's log line about port ${PORT}`,
        async () => ((await page.locator(tid('log-output')).textContent()) || '').includes(String(PORT)), 10000);
      await screenshot('worker-log');
      worker.kill();
      worker = null;
    });
  } else {
    skipped++;
    console.log('SKIP worker instance shows up (set WORKER_BIN to run it)');
  }

  await step('server errors reach the message bar', async () => {
    await page.fill(tid('new-name'), CB);
    await page.click(tid('create'));
    await page.locator(tid('error')).waitFor({ state: 'visible' });
    const msg = await text('error-text');
    expect(msg.length > 0, 'error bar is empty');
    expect(/400|exists/i.test(msg), `error bar says ${JSON.stringify(msg)}`);
    await page.click(tid('error-close'));
    await page.locator(tid('error')).waitFor({ state: 'hidden' });
  });

  await step('delete codebase', async () => {
    await page.click(tid('delete-codebase'));
    await page.locator(`${tid('codebase-item')}[data-name="${CB}"]`).waitFor({ state: 'detached' });
    const r = await http('GET', '/api/v1/repo');
    expect(!r.text.split('\n').includes(CB), `${CB} is still listed by the API`);
  });

  await step('no script errors in the page', async () => {
    expect(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  });
}

try {
  await main();
} catch (e) {
  failed++;
  console.log(`FAIL test setup: ${e.message}`);
} finally {
  if (worker) worker.kill();
  if (stopped) {
    // leave the server as it was: stop the program (if ours) and drop the codebase
    try {
      const p = await http('GET', '/api/v1/program');
      if (p.text.trim() === CB) await http('DELETE', '/api/v1/program');
      await http('DELETE', '/api/v1/repo' + CB + '-child');
      await http('DELETE', '/api/v1/repo' + CB);
    } catch (e) { /* best effort */ }
  }
  if (browser) await browser.close().catch(() => {});
}

console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed ? 1 : 0);
