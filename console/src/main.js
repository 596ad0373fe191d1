// Pipy admin console: a single page over the admin service's API.
// Views: codebase list + "new codebase" form (sidebar), the open codebase
// (files, editor, graph, instances) and, always, the log and the metrics.
import { api, ApiError } from './api.js';
import { h, clear, fmtTime, fmtAgo } from './dom.js';
import { Editor } from './editor.js';
import { drawGraph } from './graph.js';
import { drawMetrics } from './metrics.js';
import { LogStream } from './log.js';

const POLL_MS = 3000;
const METRICS_MS = 5000;

const st = {
  codebases: [],
  cb: null, // name of the open codebase, e.g. "/hello"
  info: null, // GET /api/v1/repo/<cb>
  infoKey: '', // JSON of the parts of info that the tree/toolbar show
  files: new Map(), // file -> {state, saved (Text), dirty}
  current: null, // open file
  program: '',
  busy: false,
  errorKeys: new Set(),
  logSource: '',
  logName: 'pipy_log',
  metricsSource: '',
};

// ---------------------------------------------------------------- layout

const ui = {};

function build() {
  ui.program = h('span', { class: 'program', 'data-test': 'program', text: '…' });
  ui.notice = h('span', { class: 'notice', 'data-test': 'notice', role: 'status' });
  ui.errorText = h('span', { class: 'error-text', 'data-test': 'error-text' });
  ui.error = h('div', { class: 'error-bar', 'data-test': 'error', role: 'alert', hidden: true },
    ui.errorText,
    h('button', { class: 'error-close', 'data-test': 'error-close', title: 'Dismiss', onclick: hideError, text: '×' }));

  ui.codebaseList = h('ul', { class: 'codebase-list', 'data-test': 'codebase-list' });
  ui.newName = h('input', { 'data-test': 'new-name', placeholder: '/my-codebase', autocomplete: 'off', spellcheck: 'false' });
  ui.newBase = h('select', { 'data-test': 'new-base', title: 'Derive from this codebase' });
  ui.create = h('button', { type: 'submit', 'data-test': 'create', text: 'Create' });
  const newForm = h('form', { class: 'new-form', onsubmit: e => { e.preventDefault(); createCodebase(); } },
    h('label', null, 'Name', ui.newName),
    h('label', null, 'Base (optional)', ui.newBase),
    ui.create);

  // toolbar of the open codebase
  ui.cbName = h('h2', { class: 'cb-name', 'data-test': 'codebase-name' });
  ui.version = h('span', { class: 'badge', 'data-test': 'version' });
  ui.main = h('span', { class: 'badge mono', 'data-test': 'main' });
  ui.base = h('span', { class: 'badge mono', 'data-test': 'base' });
  ui.derived = h('span', { class: 'mono', 'data-test': 'derived' });
  ui.save = h('button', { 'data-test': 'save', title: 'Save the open file (Ctrl+S)', onclick: () => act(saveCurrent), text: 'Save' });
  ui.publish = h('button', { 'data-test': 'publish', title: 'Save all, then publish the edits as the next version', onclick: () => act(publish), text: 'Publish' });
  ui.run = h('button', { 'data-test': 'run', class: 'go', title: 'Run this codebase locally', onclick: () => act(run), text: 'Run' });
  ui.stop = h('button', { 'data-test': 'stop', class: 'danger', title: 'Stop the local program', onclick: () => act(stop), text: 'Stop' });
  ui.delCb = h('button', { 'data-test': 'delete-codebase', class: 'danger subtle', onclick: () => act(deleteCodebase), text: 'Delete codebase' });
  const toolbar = h('div', { class: 'toolbar' },
    ui.cbName,
    h('span', { class: 'field' }, 'version ', ui.version),
    h('span', { class: 'field' }, 'main ', ui.main),
    h('span', { class: 'field base-field' }, 'base ', ui.base),
    h('span', { class: 'field derived-field' }, 'derived ', ui.derived),
    h('span', { class: 'spacer' }),
    ui.save, ui.publish, ui.run, ui.stop, ui.delCb);

  // files
  ui.tree = h('ul', { class: 'file-tree', 'data-test': 'file-tree' });
  ui.newFile = h('input', { 'data-test': 'new-file', placeholder: '/new.js', autocomplete: 'off', spellcheck: 'false' });
  ui.setMain = h('button', { 'data-test': 'set-main', onclick: () => act(setMain), text: 'Set as main' });
  ui.delFile = h('button', { 'data-test': 'delete-file', class: 'danger subtle', onclick: () => act(deleteFile), text: 'Delete' });
  ui.resetFile = h('button', { 'data-test': 'reset-file', class: 'subtle', title: 'Drop the edits and take the base codebase\'s file', onclick: () => act(resetFile), text: 'Reset to base' });
  const files = h('div', { class: 'panel files' },
    h('div', { class: 'panel-title', text: 'Files' }),
    ui.tree,
    h('form', { class: 'add-file', onsubmit: e => { e.preventDefault(); act(addFile); } },
      ui.newFile, h('button', { type: 'submit', 'data-test': 'add-file', text: 'Add' })),
    h('div', { class: 'file-actions' }, ui.setMain, ui.resetFile, ui.delFile));

  // editor
  ui.currentFile = h('span', { class: 'mono', 'data-test': 'current-file' });
  ui.dirty = h('span', { class: 'dirty', 'data-test': 'dirty' });
  ui.editorHost = h('div', { class: 'editor', 'data-test': 'editor' });
  const editorPanel = h('div', { class: 'panel editor-panel' },
    h('div', { class: 'panel-title' }, ui.currentFile, ui.dirty),
    ui.editorHost);

  // graph + instances
  ui.graph = h('div', { class: 'graph-body', 'data-test': 'graph-body' });
  ui.graphPanel = h('div', { class: 'panel graph', 'data-test': 'graph' },
    h('div', { class: 'panel-title' }, 'Pipeline graph of main',
      h('button', { class: 'small', 'data-test': 'graph-refresh', onclick: () => act(refreshGraph), text: 'Refresh' })),
    ui.graph);
  ui.instances = h('div', { class: 'instances-body' });
  ui.localInstance = h('div', { class: 'local-instance', 'data-test': 'local-instance' });
  const instances = h('div', { class: 'panel instances', 'data-test': 'instances' },
    h('div', { class: 'panel-title', text: 'Instances' }),
    ui.localInstance,
    ui.instances);

  ui.workspace = h('div', { class: 'workspace', hidden: true },
    toolbar,
    h('div', { class: 'work' }, files, editorPanel, h('div', { class: 'side' }, ui.graphPanel, instances)));
  ui.welcome = h('div', { class: 'welcome', 'data-test': 'welcome' },
    h('h2', { text: 'Pipy console' }),
    h('p', { text: 'Pick a codebase on the left, or create one.' }));

  // log
  ui.logOut = h('pre', { class: 'log-output', 'data-test': 'log-output' });
  ui.logStatus = h('span', { class: 'log-status', 'data-test': 'log-status' });
  ui.logSource = h('select', { 'data-test': 'log-source', onchange: () => { st.logSource = ui.logSource.value; fillLogNames(); watchLog(); } });
  ui.logName = h('select', { 'data-test': 'log-name', onchange: () => { st.logName = ui.logName.value; watchLog(); } });
  const log = h('div', { class: 'panel log', 'data-test': 'log' },
    h('div', { class: 'panel-title' }, 'Log',
      ui.logSource, ui.logName, ui.logStatus,
      h('span', { class: 'spacer' }),
      h('button', { class: 'small', 'data-test': 'log-clear', onclick: () => logStream.clear(), text: 'Clear' })),
    ui.logOut);

  // metrics
  ui.metrics = h('div', { class: 'charts' });
  ui.metricsTime = h('span', { class: 'muted', 'data-test': 'metrics-time' });
  ui.metricsSource = h('select', { 'data-test': 'metrics-source', onchange: () => { st.metricsSource = ui.metricsSource.value; refreshMetrics(); } });
  const metrics = h('div', { class: 'panel metrics', 'data-test': 'metrics' },
    h('div', { class: 'panel-title' }, 'Metrics', ui.metricsSource, h('span', { class: 'spacer' }), ui.metricsTime),
    ui.metrics);

  const app = document.getElementById('app') || document.body.appendChild(h('div', { id: 'app' }));
  app.append(
    h('header', { class: 'topbar' },
      h('a', { class: 'logo', href: '#', text: 'Pipy console' }),
      h('span', { class: 'muted' }, 'program: ', ui.program),
      h('span', { class: 'spacer' }),
      ui.notice),
    ui.error,
    h('div', { class: 'layout' },
      h('aside', { class: 'sidebar' },
        h('div', { class: 'panel-title', text: 'Codebases' }),
        ui.codebaseList,
        h('div', { class: 'panel-title', text: 'New codebase' }),
        newForm),
      h('main', { class: 'main' },
        ui.welcome,
        ui.workspace,
        h('div', { class: 'bottom' }, log, metrics))));
}

// ---------------------------------------------------------------- messages

function showError(err, key) {
  const msg = err instanceof ApiError ? err.message : (err && err.message) || String(err);
  if (key) st.errorKeys.add(key); else st.errorKeys.clear();
  ui.errorText.textContent = msg;
  ui.error.hidden = false;
  console.error(msg);
}

function hideError() {
  st.errorKeys.clear();
  ui.error.hidden = true;
  ui.errorText.textContent = '';
}

// clears an error only if it came from this (polling) source
function clearError(key) {
  if (st.errorKeys.has(key) && st.errorKeys.size === 1) hideError();
}

let noticeTimer = null;
function notice(text) {
  ui.notice.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { ui.notice.textContent = ''; }, 6000);
}

// runs a user action: one at a time, errors to the message bar
async function act(fn) {
  if (st.busy) return;
  st.busy = true;
  document.body.classList.add('busy');
  try {
    await fn();
  } catch (e) {
    showError(e);
  } finally {
    st.busy = false;
    document.body.classList.remove('busy');
    updateButtons();
  }
}

// ---------------------------------------------------------------- codebases

async function refreshCodebases() {
  const list = await api.listCodebases();
  if (JSON.stringify(list) === JSON.stringify(st.codebases) && ui.codebaseList.childNodes.length) return;
  st.codebases = list;
  clear(ui.codebaseList);
  if (!list.length) ui.codebaseList.append(h('li', { class: 'empty', text: 'No codebases yet.' }));
  for (const name of list) {
    ui.codebaseList.append(h('li', null,
      h('a', {
        href: '#' + name, 'data-test': 'codebase-item', 'data-name': name,
        class: name === st.cb ? 'active' : null, text: name,
      })));
  }
  const keep = ui.newBase.value;
  clear(ui.newBase);
  ui.newBase.append(h('option', { value: '', text: '(no base)' }));
  for (const name of list) ui.newBase.append(h('option', { value: name, text: name }));
  ui.newBase.value = list.includes(keep) ? keep : '';
}

function normalizeName(raw) {
  let name = raw.trim().replace(/\/+$/, '');
  if (!name) return '';
  if (!name.startsWith('/')) name = '/' + name;
  return name.replace(/\/{2,}/g, '/');
}

async function createCodebase() {
  const name = normalizeName(ui.newName.value);
  if (!name || name === '/') { showError('Type a name for the new codebase, e.g. /hello'); return; }
  await act(async () => {
    await api.createCodebase(name, ui.newBase.value || undefined);
    ui.newName.value = '';
    ui.newBase.value = '';
    notice(`Created ${name}`);
    await refreshCodebases();
    location.hash = '#' + name;
  });
}

async function deleteCodebase() {
  if (!st.cb) return;
  if (!confirm(`Delete the codebase ${st.cb}?`)) return;
  await api.deleteCodebase(st.cb);
  notice(`Deleted ${st.cb}`);
  st.files.clear();
  await openCodebase(null);
  location.hash = '';
  await refreshCodebases();
}

// ---------------------------------------------------------------- open codebase

function anyDirty() {
  for (const f of st.files.values()) if (f.dirty) return true;
  return false;
}

async function openCodebase(name) {
  if (name === st.cb) return;
  if (st.cb && anyDirty() && !confirm('Discard the unsaved edits?')) {
    history.replaceState(null, '', '#' + st.cb);
    return;
  }
  st.cb = name;
  st.info = null;
  st.infoKey = '';
  st.files.clear();
  st.current = null;
  for (const a of ui.codebaseList.querySelectorAll('a')) a.classList.toggle('active', a.dataset.name === name);
  if (!name) {
    ui.workspace.hidden = true;
    ui.welcome.hidden = false;
    editor.state = editor.create('', true);
    fillSources();
    return;
  }
  ui.welcome.hidden = true;
  ui.workspace.hidden = false;
  ui.cbName.textContent = name;
  clear(ui.tree);
  clear(ui.graph);
  clear(ui.instances);
  editor.state = editor.create('', true);
  showFileBar();
  try {
    await refreshInfo();
  } catch (e) {
    showError(e);
    return;
  }
  const all = fileList();
  const first = all.find(f => f.name === st.info.main && !f.erased) || all.find(f => !f.erased);
  try {
    if (first) await openFile(first.name);
    await refreshGraph();
  } catch (e) {
    showError(e);
  }
}

async function refreshInfo() {
  if (!st.cb) return;
  const cb = st.cb;
  const info = await api.getCodebase(cb);
  if (cb !== st.cb) return;
  st.info = info;
  const key = JSON.stringify([info.version, info.main, info.base, info.derived, info.files, info.editFiles, info.erasedFiles, info.baseFiles]);
  if (key !== st.infoKey) {
    st.infoKey = key;
    renderToolbar();
    renderTree();
  }
  renderInstances();
  fillSources();
}

function renderToolbar() {
  const info = st.info;
  ui.version.textContent = info.version;
  ui.main.textContent = info.main || '(none)';
  ui.base.textContent = info.base || '';
  ui.base.parentElement.hidden = !info.base;
  const derived = Array.isArray(info.derived) ? info.derived : [];
  ui.derived.textContent = derived.join(', ');
  ui.derived.parentElement.hidden = !derived.length;
  updateButtons();
}

function fileList() {
  const info = st.info;
  if (!info) return [];
  const set = v => new Set(Array.isArray(v) ? v : []);
  const files = set(info.files), edit = set(info.editFiles), erased = set(info.erasedFiles), base = set(info.baseFiles);
  const names = new Set([...files, ...edit, ...base, ...erased, ...st.files.keys()]);
  return [...names].sort().map(name => ({
    name,
    edited: edit.has(name),
    erased: erased.has(name),
    inherited: base.has(name) && !files.has(name) && !edit.has(name),
    inBase: base.has(name),
    main: name === info.main,
  }));
}

function renderTree() {
  clear(ui.tree);
  const list = fileList();
  if (!list.length) ui.tree.append(h('li', { class: 'empty', text: 'No files.' }));
  for (const f of list) {
    const local = st.files.get(f.name);
    const tags = [];
    if (f.main) tags.push(h('span', { class: 'tag main', title: 'main file', text: 'main' }));
    if (f.edited) tags.push(h('span', { class: 'tag edited', title: 'edited since the last publish', text: 'M' }));
    if (f.erased) tags.push(h('span', { class: 'tag erased', title: 'erased (publish to make it final)', text: 'D' }));
    if (f.inherited) tags.push(h('span', { class: 'tag inherited', title: 'from the base codebase', text: 'B' }));
    const li = h('li', {
      class: ['file', f.name === st.current ? 'active' : '', f.erased ? 'erased' : '', local && local.dirty ? 'dirty' : ''].join(' ').trim(),
      'data-test': 'file', 'data-name': f.name, title: f.name,
      onclick: () => { if (!f.erased && f.name !== st.current) act(() => openFile(f.name)); },
    }, h('span', { class: 'file-name', text: f.name }), tags);
    ui.tree.append(li);
  }
  updateButtons();
}

function showFileBar() {
  const f = st.current && st.files.get(st.current);
  ui.currentFile.textContent = st.current || 'no file open';
  ui.dirty.textContent = f && f.dirty ? '● unsaved' : '';
  for (const li of ui.tree.querySelectorAll('li.file')) {
    const e = st.files.get(li.dataset.name);
    li.classList.toggle('dirty', !!(e && e.dirty));
    li.classList.toggle('active', li.dataset.name === st.current);
  }
  updateButtons();
}

function updateButtons() {
  const open = !!st.cb && !!st.info;
  const file = open && st.current;
  const f = file && fileList().find(x => x.name === st.current);
  const entry = file && st.files.get(st.current);
  ui.save.disabled = !file;
  ui.save.classList.toggle('primary', !!(entry && entry.dirty));
  ui.publish.disabled = !open;
  ui.run.disabled = !open;
  ui.stop.disabled = !st.program;
  ui.setMain.disabled = !file || (st.info && st.info.main === st.current);
  ui.delFile.disabled = !file;
  ui.resetFile.hidden = !(f && f.inBase);
  ui.delCb.disabled = !open;
}

async function openFile(name) {
  if (st.current && st.files.has(st.current)) st.files.get(st.current).state = editor.state;
  let entry = st.files.get(name);
  if (!entry) {
    const text = await api.readFile(st.cb, name);
    const state = editor.create(text, false);
    entry = { state, saved: state.doc, dirty: false };
    st.files.set(name, entry);
  }
  st.current = name;
  editor.state = entry.state;
  showFileBar();
}

function onEditorChange(state) {
  const entry = st.current && st.files.get(st.current);
  if (!entry) return;
  entry.state = state;
  const dirty = !state.doc.eq(entry.saved);
  if (dirty !== entry.dirty) {
    entry.dirty = dirty;
    showFileBar();
  }
}

async function saveFile(name) {
  const entry = st.files.get(name);
  if (!entry) return;
  if (name === st.current) entry.state = editor.state;
  const doc = entry.state.doc;
  await api.writeFile(st.cb, name, doc.toString());
  entry.saved = doc;
  entry.dirty = !entry.state.doc.eq(doc);
}

async function saveAll() {
  for (const [name, entry] of st.files) if (entry.dirty) await saveFile(name);
}

async function saveCurrent() {
  if (!st.current) { showError('No file is open.'); return; }
  const name = st.current;
  await saveFile(name);
  showFileBar();
  notice(`Saved ${name}`);
  await refreshInfo();
  if (name === st.info.main) await refreshGraph();
}

async function publish() {
  await saveAll();
  showFileBar();
  const info = await api.getCodebase(st.cb);
  const next = (parseInt(info.version, 10) || 0) + 1;
  await api.publish(st.cb, next);
  await refreshInfo();
  notice(`Published ${st.cb} version ${st.info.version}`);
}

async function run() {
  await saveAll();
  showFileBar();
  await api.runProgram(st.cb);
  await refreshProgram();
  notice(`Started ${st.cb}`);
  st.logSource = '';
  ui.logSource.value = '';
  watchLog();
}

async function stop() {
  await api.stopProgram();
  await refreshProgram();
  notice('Stopped the local program');
}

async function setMain() {
  if (!st.current) return;
  await api.setMain(st.cb, st.current);
  await refreshInfo();
  notice(`Main file is now ${st.info.main}`);
  await refreshGraph();
}

function normalizeFile(raw) {
  let name = raw.trim();
  if (!name) return '';
  if (!name.startsWith('/')) name = '/' + name;
  return name.replace(/\/{2,}/g, '/');
}

async function addFile() {
  const name = normalizeFile(ui.newFile.value);
  if (!name || name.endsWith('/')) { showError('Type a file name, e.g. /config.js'); return; }
  if (fileList().some(f => f.name === name && !f.erased)) { showError(`${name} already exists`); return; }
  await api.writeFile(st.cb, name, '');
  ui.newFile.value = '';
  st.files.delete(name);
  await refreshInfo();
  await openFile(name);
  renderTree();
  notice(`Added ${name}`);
  editor.focus();
}

async function deleteFile() {
  const name = st.current;
  if (!name) return;
  if (!confirm(`Delete ${name}?`)) return;
  await api.eraseFile(st.cb, name);
  st.files.delete(name);
  st.current = null;
  editor.state = editor.create('', true);
  await refreshInfo();
  renderTree();
  showFileBar();
  notice(`Deleted ${name}`);
}

async function resetFile() {
  const name = st.current;
  if (!name) return;
  if (!confirm(`Drop the edits of ${name} and take the base codebase's version?`)) return;
  await api.resetFile(st.cb, name);
  st.files.delete(name);
  st.current = null;
  await refreshInfo();
  await openFile(name);
  renderTree();
  notice(`Reset ${name}`);
}

// ---------------------------------------------------------------- graph

async function refreshGraph() {
  if (!st.cb || !st.info) return;
  const main = st.info.main;
  if (!main) {
    clear(ui.graph).append(h('div', { class: 'empty', text: 'No main file.' }));
    return;
  }
  const entry = st.files.get(main);
  if (entry && main === st.current) entry.state = editor.state;
  let script;
  try {
    script = entry ? entry.state.doc.toString() : await api.readFile(st.cb, main);
  } catch (e) {
    clear(ui.graph).append(h('div', { class: 'graph-error', 'data-test': 'graph-error', text: e.message }));
    throw e;
  }
  try {
    const graph = await api.graph(script);
    drawGraph(ui.graph, graph);
  } catch (e) {
    const msg = e instanceof ApiError && e.status === 400 ? `${main}: ${(e.text || '').trim()}` : e.message;
    clear(ui.graph).append(h('div', { class: 'graph-error', 'data-test': 'graph-error', text: msg }));
    throw new Error(`Pipeline graph of ${main}: ${e instanceof ApiError && e.status === 400 ? (e.text || '').trim() : e.message}`);
  }
}

// ---------------------------------------------------------------- instances

function instanceList() {
  const map = (st.info && st.info.instances) || {};
  return Object.entries(map).map(([id, inst]) => ({ id, ...inst, status: inst.status || {} }));
}

function renderInstances() {
  clear(ui.instances);
  const list = instanceList();
  if (!list.length) {
    ui.instances.append(h('div', { class: 'empty', 'data-test': 'no-instances', text: 'No worker instances report to this codebase.' }));
    return;
  }
  const rows = list.map(inst => {
    const s = inst.status;
    const age = Date.now() - (inst.timestamp || 0);
    const online = age < 30000;
    return h('tr', { 'data-test': 'instance', 'data-uuid': s.uuid || '', class: online ? 'online' : 'stale' },
      h('td', { title: `#${inst.id} ${s.uuid || ''}` },
        h('span', { class: 'dot', title: online ? 'reporting' : 'not reporting' }),
        s.name ? s.name + ' ' : '', h('span', { class: 'mono muted', text: (s.uuid || '').slice(0, 8) })),
      h('td', { class: 'mono', text: (inst.ip || s.ip || '—').replace(/^::ffff:/, '') }),
      h('td', { 'data-test': 'instance-version', text: s.version || '—' }),
      h('td', { title: fmtTime(s.since), text: fmtTime(s.since).slice(11) }),
      h('td', { title: fmtTime(inst.timestamp), text: fmtAgo(inst.timestamp) }),
      h('td', null, h('button', {
        class: 'small', 'data-test': 'instance-log', disabled: !s.uuid,
        onclick: () => { st.logSource = s.uuid; fillSources(); watchLog(); },
        text: 'log',
      })));
  });
  ui.instances.append(h('table', { class: 'table' },
    h('thead', null, h('tr', null, ['instance', 'ip', 'version', 'started', 'reported', ''].map(t => h('th', { text: t })))),
    h('tbody', null, rows)));
}

async function refreshProgram() {
  const prog = await api.getProgram();
  st.program = prog;
  ui.program.textContent = prog || 'not running';
  ui.program.classList.toggle('running', !!prog);
  updateButtons();
  let status = null;
  if (prog) {
    try { status = await api.getStatus(); } catch (e) { /* shown by the program line only */ }
  }
  st.localStatus = status;
  clear(ui.localInstance);
  if (prog) {
    ui.localInstance.append(
      h('span', { class: 'dot on' }),
      `local program ${prog}`,
      status && status.uuid ? h('span', { class: 'muted mono', text: ` ${status.uuid.slice(0, 8)} · since ${fmtTime(status.since)}` }) : null);
  } else {
    ui.localInstance.append(h('span', { class: 'dot' }), 'no local program running');
  }
}

// ---------------------------------------------------------------- log & metrics sources

function fillSources() {
  const insts = instanceList().filter(i => i.status.uuid);
  const opts = [['', 'local']].concat(insts.map(i => [i.status.uuid, `#${i.id} ${i.status.name || i.ip || ''} ${i.status.uuid.slice(0, 8)}`.replace(/\s+/g, ' ')]));
  for (const [sel, key] of [[ui.logSource, 'logSource'], [ui.metricsSource, 'metricsSource']]) {
    const want = JSON.stringify(opts);
    if (sel.dataset.opts !== want) {
      clear(sel);
      for (const [v, t] of opts) sel.append(h('option', { value: v, text: t }));
      sel.dataset.opts = want;
    }
    if (!opts.some(o => o[0] === st[key])) {
      // the instance went away: fall back to local
      const changed = st[key] !== '';
      st[key] = '';
      if (changed && key === 'logSource') watchLog();
    }
    if (sel.value !== st[key]) sel.value = st[key];
  }
  fillLogNames();
}

function fillLogNames() {
  let names = ['pipy_log'];
  if (st.logSource) {
    const inst = instanceList().find(i => i.status.uuid === st.logSource);
    if (inst && Array.isArray(inst.status.logs)) names = names.concat(inst.status.logs);
  } else if (st.localStatus && Array.isArray(st.localStatus.logs)) {
    names = names.concat(st.localStatus.logs);
  }
  names = [...new Set(names)];
  const want = JSON.stringify(names);
  if (ui.logName.dataset.opts !== want) {
    clear(ui.logName);
    for (const n of names) ui.logName.append(h('option', { value: n, text: n }));
    ui.logName.dataset.opts = want;
  }
  if (!names.includes(st.logName)) st.logName = 'pipy_log';
  ui.logName.value = st.logName;
}

let watching = null;
function watchLog() {
  const key = st.logSource + '/' + st.logName;
  if (watching === key) return;
  watching = key;
  logStream.watch(st.logSource, st.logName);
}

function onLogStatus(state, detail) {
  ui.logStatus.textContent = state;
  ui.logStatus.dataset.state = state;
  ui.logStatus.title = detail || '';
}

async function refreshMetrics() {
  const src = st.metricsSource;
  const answer = src ? await api.getMetricsOf(src) : await api.getMetrics();
  if (src !== st.metricsSource) return;
  drawMetrics(ui.metrics, answer);
  const d = new Date();
  ui.metricsTime.textContent = 'updated ' + d.toLocaleTimeString();
}

// ---------------------------------------------------------------- polling

function every(ms, key, fn) {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await fn();
      clearError(key);
    } catch (e) {
      showError(e, key);
    } finally {
      running = false;
    }
  };
  tick();
  return setInterval(tick, ms);
}

// ---------------------------------------------------------------- start

build();
const editor = new Editor(ui.editorHost, { onChange: onEditorChange, onSave: () => act(saveCurrent) });
const logStream = new LogStream(ui.logOut, onLogStatus);

function route() {
  const name = decodeURIComponent(location.hash.replace(/^#/, ''));
  openCodebase(name ? normalizeName(name) : null);
}
window.addEventListener('hashchange', route);
window.addEventListener('beforeunload', e => { if (anyDirty()) { e.preventDefault(); e.returnValue = ''; } });

every(POLL_MS, 'codebases', refreshCodebases);
every(POLL_MS, 'program', refreshProgram);
every(POLL_MS, 'info', refreshInfo);
every(METRICS_MS, 'metrics', refreshMetrics);
fillSources();
watchLog();
route();

// for debugging in the browser console
window.pipyConsole = { st, api, editor };
