// connectd web console: plain ES module, no framework, no build step.
// Talks to the worker's own REST API (same origin) and polls it every
// POLL_MS; throughput comes from the Prometheus counters of GET /metrics
// (records/s from the deltas between two polls).

const POLL_MS = 1500;
const HISTORY_MS = 5 * 60 * 1000;   // what the connector page's graph shows
const SPARK_MS = 90 * 1000;         // what a sparkline shows
const METRICS_RETRY_MS = 30 * 1000; // /metrics answered 404: ask again after
const LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'];
const STATES = ['RUNNING', 'PAUSED', 'STOPPED', 'RESTARTING', 'UNASSIGNED', 'FAILED'];

// ---------------------------------------------------------------- helpers
const $ = (sel, el = document) => el.querySelector(sel);
const enc = encodeURIComponent;
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) =>
  ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

/* Replace an element's content only when it changed: the poll re-renders
 * parts of the page every 1.5 s, and an unchanged part must keep its DOM
 * (selection, scroll, hover, focus). */
function setHTML(el, html) {
  if (el && el.__html !== html) {
    el.innerHTML = html;
    el.__html = html;
  }
}

class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const opt = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  const r = await fetch(path, opt);
  const text = await r.text();
  let j = null;
  try { j = text ? JSON.parse(text) : null; } catch { j = null; }
  if (!r.ok) throw new ApiError(r.status, (j && j.message) || text || r.statusText, j);
  return j;
}

function toast(msg, bad = false) {
  const t = document.createElement('div');
  t.className = 'toast' + (bad ? ' bad' : '');
  t.textContent = msg;
  $('#toasts').append(t);
  setTimeout(() => t.remove(), bad ? 7000 : 3500);
}

function fmtRate(v) {
  if (v == null || !isFinite(v)) return '–';
  if (v >= 1e6) return (v / 1e6).toFixed(1) + 'M';
  if (v >= 1e4) return (v / 1e3).toFixed(1) + 'k';
  if (v >= 100) return Math.round(v).toLocaleString('en');
  return v.toFixed(1);
}

const shortClass = (c) => (c || '').split('.').pop();
const badge = (s) => `<span class="badge ${esc(s)}">${esc(s)}</span>`;

/* A config key that looks like it holds a secret. "key" counts as the last
 * part of a name (ssl.key, api.key, aws.access.key) but not as a prefix
 * (key.converter). A value that is a config provider reference
 * (${provider:path:key}) is no secret itself and is shown as it is. */
const SECRET_PART = /^(password|passwd|pwd|secret|token|credentials?|apikey|passphrase)$/i;
export function isSecretKey(k) {
  const parts = String(k).split(/[._\-]/);
  if (parts.some((p) => SECRET_PART.test(p))) return true;
  if (/sasl\.jaas\.config$/i.test(k)) return true;
  return parts.length > 0 && /^key$/i.test(parts[parts.length - 1]) && parts.length > 1;
}
const isProviderRef = (v) => /^\$\{[^}:]+:[^}]*\}$/.test(String(v ?? '').trim());
export function displayValue(k, v) {
  if (v != null && isSecretKey(k) && !isProviderRef(v) && String(v) !== '') return '••••••••';
  return v;
}

// ----------------------------------------------------------------- parsing
/* The Prometheus text format: per connector, the sum over its tasks of the
 * records written (source) or sent (sink). */
const RATE_METRIC = /^kafka_connect_(?:source_task_metrics_source_record_write_total|sink_task_metrics_sink_record_send_total)\{([^}]*)\}\s+(\S+)/;
export function parseLabels(s) {
  const out = {};
  const re = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  let m;
  while ((m = re.exec(s))) {
    out[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
  }
  return out;
}
export function parseMetrics(text) {
  const sums = {};
  for (const line of text.split('\n')) {
    const m = RATE_METRIC.exec(line);
    if (!m) continue;
    const c = parseLabels(m[1]).connector;
    const v = Number(m[2]);
    if (c == null || !isFinite(v)) continue;
    sums[c] = (sums[c] || 0) + v;
  }
  return sums;
}

/* Java .properties text: comments (# !), key=value, key:value or key value,
 * backslash continuation lines, escapes. */
export function parseProperties(text) {
  const out = {};
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^[ \t\f]+/, '');
    if (!line || line[0] === '#' || line[0] === '!') continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    }
    let k = '', j = 0;
    for (; j < line.length; j++) {
      const c = line[j];
      if (c === '\\') { k += unescapeProp(line[++j]); continue; }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      k += c;
    }
    while (j < line.length && /[ \t\f]/.test(line[j])) j++;
    if (line[j] === '=' || line[j] === ':') j++;
    while (j < line.length && /[ \t\f]/.test(line[j])) j++;
    let v = '';
    for (; j < line.length; j++) {
      const c = line[j];
      if (c !== '\\') { v += c; continue; }
      const n = line[++j];
      if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(line.slice(j + 1, j + 5))) {
        v += String.fromCharCode(parseInt(line.slice(j + 1, j + 5), 16));
        j += 4;
      } else {
        v += unescapeProp(n);
      }
    }
    out[k] = v;
  }
  return out;
}
function unescapeProp(c) {
  return { t: '\t', n: '\n', r: '\r', f: '\f' }[c] ?? (c ?? '');
}

/* What the editor holds: {"name","config"}, a bare config map (JSON), or
 * .properties text. Values become strings as Connect keeps them. */
export function parseInput(text) {
  const t = text.trim();
  if (!t) return { empty: true };
  let obj;
  if (t[0] === '{') {
    try {
      obj = JSON.parse(t);
    } catch (e) {
      return { error: 'JSON: ' + e.message };
    }
    if (obj && typeof obj.config === 'object' && obj.config && !Array.isArray(obj.config)) {
      return { name: typeof obj.name === 'string' ? obj.name : obj.config.name, config: strings(obj.config) };
    }
    return { name: typeof obj.name === 'string' ? obj.name : undefined, config: strings(obj) };
  }
  if (t[0] === '[') return { error: 'JSON: expected an object, not an array' };
  const config = parseProperties(t);
  return { name: config.name, config };
}
function strings(o) {
  const out = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = v == null ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

// ------------------------------------------------------------- live state
const S = {
  root: null,          // GET /
  health: null,        // GET /health, or {status:'down'} when unreachable
  connectors: null,    // GET /connectors?expand=status&expand=info
  metrics: 'unknown',  // 'on' | 'off' (404) | 'error'
  metricsAt: 0,
  prev: null,          // {t, sums} of the last scrape
  hist: new Map(),     // connector -> [{t, v}] records/s
  total: [],           // [{t, v}] all connectors
  ok: false,
  polls: 0,
};

function pushHist(arr, t, v) {
  arr.push({ t, v });
  while (arr.length && arr[0].t < t - HISTORY_MS - POLL_MS * 2) arr.shift();
}
const lastRate = (name) => {
  const h = S.hist.get(name);
  return h && h.length ? h[h.length - 1].v : null;
};

async function scrape(now) {
  if (S.metrics === 'off' && now - S.metricsAt < METRICS_RETRY_MS) return;
  S.metricsAt = now;
  let text;
  try {
    const r = await fetch('/metrics', { headers: { Accept: 'text/plain' } });
    if (r.status === 404) { S.metrics = 'off'; S.prev = null; return; }
    if (!r.ok) { S.metrics = 'error'; return; }
    text = await r.text();
  } catch {
    S.metrics = 'error';
    return;
  }
  S.metrics = 'on';
  const sums = parseMetrics(text);
  const prev = S.prev;
  S.prev = { t: now, sums };
  if (!prev) return;
  const dt = (now - prev.t) / 1000;
  if (dt <= 0) return;
  let total = 0;
  const names = new Set([...Object.keys(sums), ...Object.keys(S.connectors || {})]);
  for (const name of names) {
    const a = sums[name] ?? 0;
    const b = prev.sums[name] ?? a;
    const rate = Math.max(0, a - b) / dt; // a restart starts its counters anew
    total += rate;
    if (!S.hist.has(name)) S.hist.set(name, []);
    pushHist(S.hist.get(name), now, rate);
  }
  pushHist(S.total, now, total);
}

let pollTimer = null;
async function poll() {
  clearTimeout(pollTimer);
  const now = Date.now();
  const jobs = [
    api('GET', '/connectors?expand=status&expand=info').then((c) => { S.connectors = c || {}; }),
    fetch('/health').then(async (r) => {
      S.health = await r.json().catch(() => ({ status: r.ok ? 'healthy' : 'unhealthy' }));
    }),
  ];
  if (!S.root) jobs.push(api('GET', '/').then((r) => { S.root = r; }));
  const res = await Promise.allSettled(jobs);
  S.ok = res.every((r) => r.status === 'fulfilled');
  if (res[1].status === 'rejected') S.health = { status: 'down', message: 'The worker does not answer.' };
  await scrape(now);
  for (const name of [...S.hist.keys()]) {
    if (S.connectors && !(name in S.connectors)) S.hist.delete(name);
  }
  S.polls++;
  document.body.dataset.polls = S.polls;
  renderChrome();
  try {
    current?.update?.();
  } catch (e) {
    console.error(e);
  }
  pollTimer = setTimeout(poll, POLL_MS);
}
const pollNow = () => poll();

function renderChrome() {
  const h = $('#health');
  const st = S.health?.status || '…';
  h.className = 'badge ' + st;
  h.textContent = st;
  h.title = S.health?.message || '';
  const live = $('#live');
  live.classList.toggle('stale', !S.ok);
  live.querySelector('span').textContent = S.ok ? 'live' : 'offline';
  live.classList.remove('pulse');
  void live.offsetWidth;
  live.classList.add('pulse');
}

// ------------------------------------------------------------------ charts
/* A round number (1, 2 or 5 times a power of ten) at or above v. */
export function niceMax(v) {
  if (!(v > 0)) return 1;
  const e = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * e >= v) return m * e;
  return 10 * e;
}

/* A sparkline of the last `span` ms of points {t, v}, as SVG text. */
function spark(points, { w = 120, h = 28, span = 0, cls = 'spark', attrs = '' } = {}) {
  const now = Date.now();
  if (!span) { // from the first point (at least 30 s) up to SPARK_MS
    const first = points && points.length ? points[0].t : now;
    span = Math.min(SPARK_MS, Math.max(30 * 1000, now - first + POLL_MS));
  }
  const pts = (points || []).filter((p) => p.t >= now - span - POLL_MS);
  const top = Math.max(1e-9, ...pts.map((p) => p.v));
  const max = cls === 'graph' ? niceMax(top) : top;
  const xy = pts.map((p) => [
    Math.max(0, ((p.t - (now - span)) / span) * w),
    h - 1 - (p.v / max) * (h - 3),
  ]);
  const line = xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const area = xy.length > 1
    ? `M${xy[0][0].toFixed(1)},${h} L${line.replace(/ /g, ' L')} L${xy[xy.length - 1][0].toFixed(1)},${h} Z`
    : '';
  const last = pts.length ? pts[pts.length - 1].v : 0;
  const grid = cls === 'graph'
    ? [0.005, 0.25, 0.5, 0.75].map((f) => `<line x1="0" x2="${w}" y1="${(h * f).toFixed(1)}" y2="${(h * f).toFixed(1)}"/>`).join('')
    : '';
  const size = attrs.includes('width=') ? '' : `width="${w}" height="${h}"`;
  return `<svg class="${cls}" viewBox="0 0 ${w} ${h}" ${size} ${attrs} preserveAspectRatio="none" ` +
    `data-points="${pts.length}" data-last="${last.toFixed(3)}" data-max="${pts.length ? max.toFixed(3) : 0}" ` +
    `role="img" aria-label="records per second">${grid}` +
    (area ? `<path class="area" d="${area}"/>` : '') + `<polyline points="${line}"/></svg>`;
}

function rateCell(name) {
  if (S.metrics === 'off') return '<span class="off">metrics off</span>';
  return `<div style="display:flex;gap:10px;align-items:center;justify-content:flex-end">` +
    `<span class="rate">${fmtRate(lastRate(name))}</span>${spark(S.hist.get(name))}</div>`;
}

// ----------------------------------------------------------------- dialogs
/* A confirmation: resolves to null (cancelled) or the checked options. */
function confirmDialog({ title, text, ok = 'OK', danger = false, options = [] }) {
  const d = $('#confirm');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  setHTML($('#confirm-extra'), options.map((o) =>
    `<label><input type="checkbox" name="${esc(o.name)}" ${o.checked ? 'checked' : ''}> ${esc(o.label)}</label>`).join(''));
  const b = $('#confirm-ok');
  b.textContent = ok;
  b.className = danger ? 'danger' : '';
  d.returnValue = '';
  return new Promise((resolve) => {
    d.addEventListener('close', () => {
      if (d.returnValue !== 'ok') return resolve(null);
      const out = {};
      for (const o of options) out[o.name] = $(`#confirm-extra input[name="${o.name}"]`).checked;
      resolve(out);
    }, { once: true });
    d.showModal();
  });
}

async function act(label, fn) {
  try {
    await fn();
    toast(label);
  } catch (e) {
    toast(`${label} failed: ${e.message}`, true);
  }
  pollNow();
}

// ------------------------------------------------------------------- views
function countStates(list) {
  const out = {};
  for (const s of list) out[s] = (out[s] || 0) + 1;
  return out;
}
const stateBadges = (counts) => {
  const keys = Object.keys(counts).sort((a, b) => STATES.indexOf(a) - STATES.indexOf(b));
  return keys.length ? keys.map((k) => `${badge(k)} <b>${counts[k]}</b>`).join(' &nbsp; ') : '<span class="muted">none</span>';
};

function overview(el) {
  el.innerHTML = `
    <div class="head"><h1>Overview</h1><span class="sub">${esc(location.host)}</span></div>
    <div class="grid">
      <div class="card"><div class="label">Version</div><div class="big" id="ov-version">–</div></div>
      <div class="card"><div class="label">Kafka cluster</div><div class="big mono" id="ov-cluster" style="font-size:15px;margin-top:10px">–</div></div>
      <div class="card"><div class="label">Connectors</div><div class="big" id="ov-nconn">–</div><div class="states" id="ov-cstates"></div></div>
      <div class="card"><div class="label">Tasks</div><div class="big" id="ov-ntasks">–</div><div class="states" id="ov-tstates"></div></div>
    </div>
    <div class="card"><div class="label">Throughput, all connectors</div>
      <div class="big" id="ov-rate">–</div><div class="graphbox" id="ov-graph"></div></div>
    <div class="card"><h2>Connectors</h2><table><thead><tr><th>Name</th><th>State</th><th>Tasks</th>
      <th style="text-align:right">Records/s</th></tr></thead><tbody id="ov-list"></tbody></table></div>`;
  return {
    update() {
      const r = S.root;
      if (r) setHTML($('#ov-version'), `${esc(r.version)} <small>${esc(r.commit)}</small>`);
      if (r) setHTML($('#ov-cluster'), esc(r.kafka_cluster_id || '–'));
      const cs = Object.values(S.connectors || {});
      setHTML($('#ov-nconn'), String(cs.length));
      setHTML($('#ov-cstates'), stateBadges(countStates(cs.map((c) => c.status?.connector?.state || 'UNASSIGNED'))));
      const ts = cs.flatMap((c) => (c.status?.tasks || []).map((t) => t.state));
      setHTML($('#ov-ntasks'), String(ts.length));
      setHTML($('#ov-tstates'), stateBadges(countStates(ts)));
      if (S.metrics === 'off') {
        setHTML($('#ov-rate'), '<span class="off">metrics off</span>');
        setHTML($('#ov-graph'), '');
      } else {
        const t = S.total.length ? S.total[S.total.length - 1].v : null;
        setHTML($('#ov-rate'), `${fmtRate(t)} <small>records/s</small>`);
        setHTML($('#ov-graph'), graph(S.total, 'ov'));
      }
      const names = Object.keys(S.connectors || {}).sort();
      setHTML($('#ov-list'), names.length ? names.map((n) => {
        const c = S.connectors[n];
        return `<tr><td><a href="#/connectors/${enc(n)}">${esc(n)}</a></td>
          <td>${badge(c.status?.connector?.state || 'UNASSIGNED')}</td><td>${taskDots(c)}</td>
          <td class="num">${rateCell(n)}</td></tr>`;
      }).join('') : `<tr><td colspan="4" class="empty">No connectors yet. <a href="#/new">Create one</a>.</td></tr>`);
    },
  };
}

/* The larger graph: from the first point on (at least a minute) up to the
 * last HISTORY_MS, so a fresh page is not a sliver at the right edge. */
function graph(points, id) {
  const now = Date.now();
  const first = points && points.length ? points[0].t : now;
  const span = Math.min(HISTORY_MS, Math.max(60 * 1000, now - first + POLL_MS));
  const max = niceMax(Math.max(0, ...(points || []).filter((p) => p.t >= now - span).map((p) => p.v)));
  const ago = (ms) => (ms >= 60000 ? `−${+(ms / 60000).toFixed(1)} min` : `−${Math.round(ms / 1000)} s`);
  return `<span class="ymax">${fmtRate(max)}/s</span>` +
    spark(points, { w: 600, h: 150, span, cls: 'graph', attrs: `id="${id}-svg" width="100%" height="150"` }) +
    `<div class="xlab"><span>${ago(span)}</span><span>${ago(span / 2)}</span><span>now</span></div>`;
}

function taskDots(c) {
  const ts = c.status?.tasks || [];
  if (!ts.length) return '<span class="muted">–</span>';
  return `<span class="tasks">${ts.map((t) =>
    `<span class="dot ${esc(t.state)}" title="task ${t.id}: ${esc(t.state)}"></span>`).join('')}</span>`;
}

let listFilter = '';
function connectorsView(el) {
  el.innerHTML = `
    <div class="head"><h1>Connectors</h1><span class="sub" id="cl-count"></span>
      <div class="actions"><input type="search" class="filter" id="cl-filter" placeholder="Filter by name, class, type or state"
        value="${esc(listFilter)}"><a class="btn" href="#/new">New connector</a></div></div>
    <div class="card"><table id="cl-table"><thead><tr><th>Name</th><th>State</th><th>Tasks</th><th>Type</th><th>Class</th>
      <th style="text-align:right">Records/s</th></tr></thead><tbody id="cl-body"></tbody></table></div>`;
  const f = $('#cl-filter');
  const v = {
    update() {
      const q = listFilter.toLowerCase();
      const all = Object.keys(S.connectors || {}).sort();
      const names = all.filter((n) => {
        const c = S.connectors[n];
        const hay = [n, c.info?.config?.['connector.class'], c.status?.type || c.info?.type,
          c.status?.connector?.state].join(' ').toLowerCase();
        return hay.includes(q);
      });
      setHTML($('#cl-count'), `${names.length} of ${all.length}`);
      setHTML($('#cl-body'), names.length ? names.map((n) => {
        const c = S.connectors[n];
        const cls = c.info?.config?.['connector.class'] || '';
        const ts = c.status?.tasks || [];
        const tstate = countStates(ts.map((t) => t.state));
        return `<tr data-connector="${esc(n)}"><td><a href="#/connectors/${enc(n)}">${esc(n)}</a></td>
          <td>${badge(c.status?.connector?.state || 'UNASSIGNED')}</td>
          <td>${taskDots(c)} <span class="muted">${Object.entries(tstate).map(([k, x]) => `${x} ${k.toLowerCase()}`).join(', ')}</span></td>
          <td>${esc(c.status?.type || c.info?.type || '')}</td>
          <td class="cls" title="${esc(cls)}">${esc(shortClass(cls))}</td>
          <td class="num">${rateCell(n)}</td></tr>`;
      }).join('') : `<tr><td colspan="6" class="empty">${all.length ? 'Nothing matches the filter.' : 'No connectors yet.'}</td></tr>`);
    },
  };
  f.addEventListener('input', () => { listFilter = f.value; v.update(); });
  return v;
}

function connectorView(el, name) {
  const base = `/connectors/${enc(name)}`;
  const openTraces = new Set();
  el.innerHTML = `
    <div class="head"><h1>${esc(name)}</h1><span id="cv-state"></span><span class="sub" id="cv-kind"></span>
      <div class="actions">
        <button class="ghost" data-act="pause">Pause</button>
        <button class="ghost" data-act="resume">Resume</button>
        <button class="ghost" data-act="restart">Restart…</button>
        <button class="ghost" data-act="stop">Stop…</button>
        <a class="btn" href="#/connectors/${enc(name)}/edit" style="background:transparent;color:var(--text);border-color:var(--border)">Edit</a>
        <button class="ghost" data-act="reset-topics">Reset topics…</button>
        <button class="danger" data-act="delete">Delete…</button>
      </div></div>
    <div id="cv-ctrace"></div>
    <div class="card"><div class="row"><h2 style="margin:0">Throughput</h2><span class="muted" id="cv-rate"></span></div>
      <div class="graphbox" id="cv-graph"></div></div>
    <div class="card"><h2>Tasks</h2><table><thead><tr><th>Task</th><th>State</th><th>Worker</th><th></th></tr></thead>
      <tbody id="cv-tasks"></tbody></table></div>
    <div class="two">
      <div class="card"><h2>Configuration</h2><table><tbody id="cv-config"></tbody></table></div>
      <div>
        <div class="card"><h2>Topics</h2><div id="cv-topics" class="muted">…</div></div>
        <div class="card"><h2>Offsets</h2><div id="cv-offsets" class="muted">…</div></div>
      </div>
    </div>`;

  el.addEventListener('toggle', (e) => {
    const id = e.target.dataset?.trace;
    if (id != null) (e.target.open ? openTraces.add(id) : openTraces.delete(id));
  }, true);
  el.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    const a = b.dataset.act;
    if (a === 'pause') return act(`Paused ${name}`, () => api('PUT', `${base}/pause`));
    if (a === 'resume') return act(`Resumed ${name}`, () => api('PUT', `${base}/resume`));
    if (a === 'stop') {
      if (!(await confirmDialog({ title: `Stop ${name}?`, text: 'Its tasks shut down and it stays stopped (its config is kept) until resumed.', ok: 'Stop', danger: true }))) return;
      return act(`Stopped ${name}`, () => api('PUT', `${base}/stop`));
    }
    if (a === 'restart') {
      const o = await confirmDialog({
        title: `Restart ${name}?`, text: 'The connector restarts; its tasks too when asked.', ok: 'Restart',
        options: [{ name: 'includeTasks', label: 'Include tasks (includeTasks)', checked: true },
          { name: 'onlyFailed', label: 'Only failed instances (onlyFailed)', checked: false }],
      });
      if (!o) return;
      return act(`Restarted ${name}`, () => api('POST', `${base}/restart?includeTasks=${o.includeTasks}&onlyFailed=${o.onlyFailed}`));
    }
    if (a === 'task-restart') {
      const id = b.dataset.task;
      if (!(await confirmDialog({ title: `Restart task ${id}?`, text: `Task ${id} of ${name} stops and starts again.`, ok: 'Restart task' }))) return;
      return act(`Restarted task ${id}`, () => api('POST', `${base}/tasks/${enc(id)}/restart`));
    }
    if (a === 'reset-topics') {
      if (!(await confirmDialog({ title: `Reset the active topics of ${name}?`, text: 'The list of topics it has used is cleared (records stay in Kafka).', ok: 'Reset', danger: true }))) return;
      return act(`Reset the topics of ${name}`, async () => { await api('PUT', `${base}/topics/reset`); refreshSide(); });
    }
    if (a === 'delete') {
      if (!(await confirmDialog({ title: `Delete ${name}?`, text: 'The connector and its tasks stop and its config is removed. This cannot be undone.', ok: 'Delete', danger: true }))) return;
      try {
        await api('DELETE', base);
        toast(`Deleted ${name}`);
        location.hash = '#/connectors';
      } catch (err) {
        toast(`Delete failed: ${err.message}`, true);
      }
    }
  });

  async function refreshSide() {
    try {
      const t = await api('GET', `${base}/topics`);
      const topics = t?.[name]?.topics || [];
      setHTML($('#cv-topics'), topics.length
        ? `<div class="states">${topics.map((x) => `<code>${esc(x)}</code>`).join(' ')}</div>` : 'No active topics.');
    } catch (e) {
      setHTML($('#cv-topics'), `<span class="err">${esc(e.message)}</span>`);
    }
    try {
      const o = await api('GET', `${base}/offsets`);
      const list = o?.offsets || [];
      setHTML($('#cv-offsets'), list.length
        ? `<table><thead><tr><th>Partition</th><th>Offset</th></tr></thead><tbody>${list.map((x) =>
          `<tr><td class="val">${esc(JSON.stringify(x.partition))}</td><td class="val">${esc(JSON.stringify(x.offset))}</td></tr>`).join('')}</tbody></table>`
        : 'No offsets committed yet.');
    } catch (e) {
      setHTML($('#cv-offsets'), `<span class="err">${esc(e.message)}</span>`);
    }
  }
  refreshSide();
  const sideTimer = setInterval(refreshSide, 5000);

  const trace = (id, t) => t ? `<details class="trace" data-trace="${esc(id)}" ${openTraces.has(String(id)) ? 'open' : ''}>
      <summary>trace</summary><pre class="trace">${esc(t)}</pre></details>` : '';
  return {
    destroy() { clearInterval(sideTimer); },
    update() {
      const c = S.connectors?.[name];
      if (!c) {
        setHTML($('#cv-state'), S.connectors ? badge('NOT FOUND') : '');
        return;
      }
      const st = c.status?.connector || {};
      setHTML($('#cv-state'), badge(st.state || 'UNASSIGNED'));
      const cls = c.info?.config?.['connector.class'] || '';
      setHTML($('#cv-kind'), `${esc(c.status?.type || c.info?.type || '')} · <span title="${esc(cls)}">${esc(cls)}</span> · worker ${esc(st.worker_id || '–')}`);
      for (const b of el.querySelectorAll('.actions button')) {
        const a = b.dataset.act;
        b.disabled = (a === 'pause' && st.state !== 'RUNNING') ||
          (a === 'resume' && !['PAUSED', 'STOPPED'].includes(st.state)) ||
          (a === 'stop' && st.state === 'STOPPED');
      }
      setHTML($('#cv-ctrace'), st.trace
        ? `<div class="card"><h2 class="err">Connector failed</h2>${trace('connector', st.trace)}</div>` : '');
      if (S.metrics === 'off') {
        setHTML($('#cv-rate'), '');
        setHTML($('#cv-graph'), '<span class="off">metrics off</span>');
      } else {
        setHTML($('#cv-rate'), `${fmtRate(lastRate(name))} records/s`);
        setHTML($('#cv-graph'), graph(S.hist.get(name), 'cv'));
      }
      const ts = c.status?.tasks || [];
      setHTML($('#cv-tasks'), ts.length ? ts.map((t) => `<tr data-task="${t.id}">
          <td class="num" style="text-align:left">${t.id}</td><td>${badge(t.state)}</td>
          <td class="mono">${esc(t.worker_id)}</td>
          <td style="text-align:right"><button class="ghost small" data-act="task-restart" data-task="${t.id}">Restart</button></td></tr>
          ${t.trace ? `<tr class="has-error"><td></td><td colspan="3">${trace(t.id, t.trace)}</td></tr>` : ''}`).join('')
        : `<tr><td colspan="4" class="empty">No tasks.</td></tr>`);
      const cfg = c.info?.config || {};
      setHTML($('#cv-config'), Object.keys(cfg).sort().map((k) =>
        `<tr data-key="${esc(k)}"><td class="key">${esc(k)}</td><td class="val">${esc(displayValue(k, cfg[k]))}</td></tr>`).join(''));
    },
  };
}

const SAMPLE = `{
  "name": "my-connector",
  "config": {
    "connector.class": "",
    "tasks.max": "1"
  }
}`;

function editorView(el, editName) {
  const editing = editName != null;
  el.innerHTML = `
    <div class="head"><h1>${editing ? `Edit ${esc(editName)}` : 'New connector'}</h1>
      <span class="sub">Paste JSON (<code>{"name", "config"}</code> or a bare config map) or <code>.properties</code> text.</span>
      <div class="actions"><button id="ed-submit" disabled>${editing ? 'Save' : 'Create'}</button></div></div>
    <div class="two">
      <div class="card">
        <div class="row"><label for="ed-name">Name</label>
          <input type="text" id="ed-name" style="flex:1" ${editing ? `value="${esc(editName)}" disabled` : 'placeholder="from the text, or type one"'}></div>
        <textarea id="ed-src" spellcheck="false" aria-label="connector config"></textarea>
        <div id="ed-parse" class="muted" style="margin-top:6px"></div>
      </div>
      <div class="card"><h2>Validation <span id="ed-summary" class="muted" style="font-weight:400"></span></h2>
        <table class="fixed"><colgroup><col style="width:34%"><col style="width:30%"><col></colgroup>
        <thead><tr><th>Key</th><th>Value</th><th></th></tr></thead><tbody id="ed-keys"></tbody></table></div>
    </div>
    <div class="card"><div class="row"><h2 style="margin:0">Configuration reference</h2>
      <span class="muted" id="ed-class"></span><div class="spacer"></div>
      <input type="search" class="filter" id="ed-deffilter" placeholder="Filter keys or documentation"></div>
      <div class="defs"><table><thead><tr><th>Key</th><th>Type</th><th>Default</th><th>Importance</th><th>Documentation</th></tr></thead>
      <tbody id="ed-defs"><tr><td colspan="5" class="empty">Set connector.class to see its configuration keys.</td></tr></tbody></table></div></div>`;

  const src = $('#ed-src'), nameIn = $('#ed-name'), submit = $('#ed-submit');
  let timer = null, seq = 0, parsed = { empty: true }, defs = null, defsClass = null, lastResult = null;
  let autoName = '';

  if (editing) {
    api('GET', `/connectors/${enc(editName)}/config`).then((cfg) => {
      if (!src.value) { src.value = JSON.stringify(cfg, null, 2); changed(); }
    }).catch((e) => setHTML($('#ed-parse'), `<span class="err">${esc(e.message)}</span>`));
  } else {
    src.value = SAMPLE;
  }

  function renderKeys() {
    const cfg = parsed.config || {};
    const errs = {};
    const vals = lastResult?.configs || [];
    for (const c of vals) if (c.value?.errors?.length) errs[c.value.name] = c.value.errors;
    if (lastResult?.request_error) errs['connector.class'] = [lastResult.request_error];
    const keys = Object.keys(cfg);
    const extra = Object.keys(errs).filter((k) => !(k in cfg));
    const row = (k, v, set) => {
      const e = errs[k];
      return `<tr data-key="${esc(k)}" class="${e ? 'has-error' : ''}"><td class="key">${esc(k)}</td>
        <td class="val">${set ? esc(displayValue(k, v)) : '<span class="muted">(not set)</span>'}</td>
        <td>${e ? e.map((m) => `<div class="err">${esc(m)}</div>`).join('') : (lastResult && !lastResult.request_error ? '<span class="ok-text">✓</span>' : '')}</td></tr>`;
    };
    setHTML($('#ed-keys'), keys.map((k) => row(k, cfg[k], true)).join('') + extra.map((k) => row(k, null, false)).join('') ||
      '<tr><td colspan="3" class="empty">No keys yet.</td></tr>');
    const n = lastResult?.request_error ? 1 : (lastResult?.error_count ?? null);
    setHTML($('#ed-summary'), n == null ? '' : n ? `<span class="err">${n} error${n > 1 ? 's' : ''}</span>` : '<span class="ok-text">valid</span>');
  }

  function renderDefs() {
    const body = $('#ed-defs');
    if (!defs) return;
    const q = $('#ed-deffilter').value.toLowerCase();
    const cfg = parsed.config || {};
    const rows = defs.filter((d) => !q || (d.name + ' ' + (d.documentation || '')).toLowerCase().includes(q));
    setHTML(body, rows.map((d) => `<tr data-def="${esc(d.name)}"><td class="key">${k(d)}</td><td>${esc(d.type)}</td>
      <td class="val">${d.default_value == null ? '<span class="muted">none</span>' : esc(d.default_value) || '<span class="muted">""</span>'}</td>
      <td>${esc(d.importance || '')}${d.required ? ' <span class="badge FAILED">required</span>' : ''}</td>
      <td class="doc">${esc(d.documentation || '')}</td></tr>`).join('') ||
      '<tr><td colspan="5" class="empty">No key matches.</td></tr>');
    function k(d) { return d.name in cfg ? `<b>${esc(d.name)}</b>` : esc(d.name); }
  }

  async function loadDefs(cls) {
    if (cls === defsClass) return;
    defsClass = cls;
    defs = null;
    setHTML($('#ed-class'), esc(cls || ''));
    if (!cls) return;
    try {
      const d = await api('GET', `/connector-plugins/${enc(cls)}/config`);
      if (defsClass !== cls) return;
      defs = Array.isArray(d) ? d : [];
      renderDefs();
    } catch (e) {
      if (defsClass === cls) setHTML($('#ed-defs'), `<tr><td colspan="5" class="err">${esc(e.message)}</td></tr>`);
    }
  }

  async function validate() {
    const my = ++seq;
    const cfg = parsed.config;
    const cls = cfg?.['connector.class'];
    if (!cfg || !cls) {
      lastResult = cfg ? { request_error: 'Missing connector.class' } : null;
      renderKeys();
      return;
    }
    loadDefs(cls);
    const body = { ...cfg };
    const nm = nameIn.value.trim();
    if (nm && !body.name) body.name = nm;
    try {
      const r = await api('PUT', `/connector-plugins/${enc(cls)}/config/validate`, body);
      if (my !== seq) return;
      lastResult = r;
    } catch (e) {
      if (my !== seq) return;
      lastResult = { request_error: e.message };
    }
    renderKeys();
    renderDefs();
  }

  function changed() {
    parsed = parseInput(src.value);
    if (parsed.error) {
      setHTML($('#ed-parse'), `<span class="err">${esc(parsed.error)}</span>`);
    } else if (parsed.empty) {
      setHTML($('#ed-parse'), 'Empty.');
    } else {
      setHTML($('#ed-parse'), `${Object.keys(parsed.config).length} keys`);
      if (!editing && parsed.name && (!nameIn.value || nameIn.value === autoName)) {
        nameIn.value = autoName = parsed.name;
      }
    }
    submit.disabled = !!parsed.error || !!parsed.empty || !parsed.config?.['connector.class'];
    renderKeys();
    clearTimeout(timer);
    timer = setTimeout(validate, 350);
  }

  src.addEventListener('input', changed);
  nameIn.addEventListener('input', () => { autoName = ''; });
  $('#ed-deffilter').addEventListener('input', renderDefs);
  submit.addEventListener('click', async () => {
    const cfg = { ...parsed.config };
    const nm = editing ? editName : nameIn.value.trim();
    if (!nm) { toast('The connector needs a name.', true); nameIn.focus(); return; }
    submit.disabled = true;
    try {
      if (editing) {
        await api('PUT', `/connectors/${enc(nm)}/config`, cfg);
        toast(`Saved ${nm}`);
      } else {
        delete cfg.name;
        await api('POST', '/connectors', { name: nm, config: cfg });
        toast(`Created ${nm}`);
      }
      location.hash = `#/connectors/${enc(nm)}`;
      pollNow();
    } catch (e) {
      toast(`${editing ? 'Save' : 'Create'} failed: ${e.message}`, true);
      setHTML($('#ed-parse'), `<span class="err">${esc(e.message)}</span>`);
      submit.disabled = false;
    }
  });
  if (!editing) changed();
  return { destroy() { clearTimeout(timer); seq++; } };
}

function loggersView(el) {
  el.innerHTML = `
    <div class="head"><h1>Loggers</h1><span class="sub">Levels apply to this worker at once (GET/PUT /admin/loggers).</span></div>
    <div class="card">
      <div class="row"><input type="text" id="lg-name" placeholder="logger name, e.g. rest" style="width:280px">
        <select id="lg-level">${LEVELS.map((l) => `<option ${l === 'DEBUG' ? 'selected' : ''}>${l}</option>`).join('')}</select>
        <button id="lg-set">Set level</button></div>
      <table><thead><tr><th>Logger</th><th>Level</th><th>Last modified</th></tr></thead><tbody id="lg-body"></tbody></table></div>`;
  async function load() {
    try {
      const l = await api('GET', '/admin/loggers');
      const names = Object.keys(l || {}).sort((a, b) => (a === 'root' ? -1 : b === 'root' ? 1 : a.localeCompare(b)));
      setHTML($('#lg-body'), names.map((n) => {
        const lv = l[n].level;
        const lm = l[n].last_modified;
        return `<tr data-logger="${esc(n)}"><td class="key">${esc(n)}</td>
          <td><select data-logger="${esc(n)}">${LEVELS.map((x) => `<option ${x === lv ? 'selected' : ''}>${x}</option>`).join('')}</select></td>
          <td class="muted">${lm ? esc(new Date(lm).toLocaleString()) : '–'}</td></tr>`;
      }).join(''));
    } catch (e) {
      setHTML($('#lg-body'), `<tr><td colspan="3" class="err">${esc(e.message)}</td></tr>`);
    }
  }
  async function setLevel(n, lv) {
    try {
      await api('PUT', `/admin/loggers/${enc(n)}`, { level: lv });
      toast(`${n}: ${lv}`);
    } catch (e) {
      toast(`Setting ${n} failed: ${e.message}`, true);
    }
    load();
  }
  el.addEventListener('change', (e) => {
    const s = e.target.closest('select[data-logger]');
    if (s) setLevel(s.dataset.logger, s.value);
  });
  $('#lg-set').addEventListener('click', () => {
    const n = $('#lg-name').value.trim();
    if (n) setLevel(n, $('#lg-level').value);
  });
  load();
  return {};
}

// ------------------------------------------------------------------ router
let current = null;
const safeDecode = (s) => {
  try { return decodeURIComponent(s); } catch { return s; }
};

function route() {
  const h = safeDecode(location.hash || '#/').slice(1);
  const parts = (location.hash || '#/').slice(1).split('/').filter(Boolean);
  // A fresh element per page: the listeners a view adds go with it.
  const el = document.createElement('div');
  $('#view').replaceChildren(el);
  current?.destroy?.();
  current = null;
  let nav = '';
  if (!parts.length) { current = overview(el); nav = 'overview'; }
  else if (parts[0] === 'connectors' && parts.length === 1) { current = connectorsView(el); nav = 'connectors'; }
  else if (parts[0] === 'connectors' && parts.length === 2) { current = connectorView(el, safeDecode(parts[1])); nav = 'connectors'; }
  else if (parts[0] === 'connectors' && parts[2] === 'edit') { current = editorView(el, safeDecode(parts[1])); nav = 'connectors'; }
  else if (parts[0] === 'new') { current = editorView(el, null); nav = 'new'; }
  else if (parts[0] === 'loggers') { current = loggersView(el); nav = 'loggers'; }
  else { el.innerHTML = `<div class="card empty">Nothing at <code>${esc(h)}</code>. <a href="#/">Overview</a></div>`; }
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.nav === nav);
  document.title = `connectd · ${nav || 'console'}`;
  if (S.polls) current?.update?.();
}

// ------------------------------------------------------------------- theme
const THEMES = ['auto', 'light', 'dark'];
function applyTheme(t) {
  if (t === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
  const b = $('#theme');
  b.textContent = { auto: '◐', light: '☀', dark: '☾' }[t];
  b.title = `Theme: ${t === 'auto' ? 'follows the system' : t} (click to change)`;
}

function start() {
  let theme = localStorage.getItem('connectd-theme') || 'auto';
  if (!THEMES.includes(theme)) theme = 'auto';
  applyTheme(theme);
  $('#theme').addEventListener('click', () => {
    theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
    localStorage.setItem('connectd-theme', theme);
    applyTheme(theme);
  });
  window.addEventListener('hashchange', route);
  route();
  poll();
}

if (typeof document !== 'undefined' && document.getElementById('view')) start();
