// The Annals console (docs/console.md): one plain script, no framework, no build step.
// Rules kept throughout, because event data is untrusted input written by any producer:
// - everything from the hub is put into the page as text (textContent, text nodes), never as HTML;
// - links are only ever "#view?..." fragments built here, with values URL-encoded;
// - the API key lives in sessionStorage and travels only in the Authorization header, never in a URL;
// - no inline script, no eval, no string-built handlers: the hub's Content-Security-Policy forbids them.
(function () {
  'use strict';

  const KEY_STORAGE = 'annals.console.key';
  const PAGE_SIZE = 50;
  const TAIL_EVERY_MS = 500; // a new event shows within about a second of its 201, with a margin on a busy machine
  const TAIL_KEPT = 200;
  const HISTORY_PAGES = 20;
  const HISTORY_PAGE_SIZE = 1000;
  const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

  const view = document.getElementById('view');
  let generation = 0; // bumped by every render, so that answers for a view left behind are dropped
  let timers = [];    // the live tail's timers, cleared when the view changes

  // ---------------------------------------------------------------- DOM helpers (text only)

  /** An element with attributes (a fixed set of safe names) and children (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'href') node.setAttribute('href', internalHref(value));
      else if (/^on/i.test(name)) throw new Error('no event handler attributes: use addEventListener');
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Only fragment links of this page: anything else (javascript:, data:, other sites) is refused. */
  function internalHref(value) {
    const text = String(value);
    if (!text.startsWith('#')) throw new Error('only fragment links are made by the console');
    return text;
  }

  /** "#view?name=value&...", values encoded, empty ones left out. */
  function fragment(name, params) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
    }
    const q = query.toString();
    return '#' + name + (q ? '?' + q : '');
  }

  function link(name, params, text) {
    return el('a', { href: fragment(name, params) }, text);
  }

  function state(text, kind) {
    return el('p', { class: kind || 'state', role: kind === 'error' ? 'alert' : null }, text);
  }

  function show(...children) {
    view.replaceChildren();
    append(view, children);
  }

  function facts(pairs) {
    const dl = el('dl', { class: 'facts' });
    for (const [name, value] of pairs) {
      if (value === undefined) continue;
      dl.appendChild(el('dt', {}, name));
      dl.appendChild(el('dd', {}, value === null ? '(none)' : value));
    }
    return dl;
  }

  function table(headers, rows, className) {
    const head = el('tr', {}, headers.map(h => el('th', { scope: 'col', class: h.cls }, h.text || h)));
    return el('div', { class: 'scroll' }, el('table', { class: className || null },
      el('thead', {}, head), el('tbody', {}, rows)));
  }

  function td(value, cls) {
    return el('td', { class: cls }, value === undefined || value === null ? '' : value);
  }

  // ---------------------------------------------------------------- raw JSON text (numbers kept as sent)

  const WS = ' \t\n\r';

  function skipWs(t, i) {
    while (i < t.length && WS.includes(t[i])) i++;
    return i;
  }

  /** The index just after the JSON value starting at (or after white space from) i. */
  function valueEnd(t, i) {
    i = skipWs(t, i);
    const c = t[i];
    if (c === '"') {
      i++;
      while (i < t.length && t[i] !== '"') i += t[i] === '\\' ? 2 : 1;
      return i + 1;
    }
    if (c === '{' || c === '[') {
      let depth = 0;
      for (; i < t.length; i++) {
        const d = t[i];
        if (d === '"') { i = valueEnd(t, i) - 1; continue; }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') { depth--; if (depth === 0) return i + 1; }
      }
      throw new Error('unterminated JSON value');
    }
    let j = i;
    while (j < t.length && !(WS + ',}]').includes(t[j])) j++;
    return j;
  }

  /** The members of the JSON object text t, each value as its exact text. */
  function members(t) {
    let i = skipWs(t, 0);
    if (t[i] !== '{') throw new Error('not a JSON object');
    i++;
    const out = [];
    for (;;) {
      i = skipWs(t, i);
      if (i >= t.length) throw new Error('unterminated JSON object');
      if (t[i] === '}') return out;
      if (t[i] === ',') { i++; continue; }
      const nameEnd = valueEnd(t, i);
      const name = JSON.parse(t.slice(i, nameEnd));
      i = skipWs(t, nameEnd) + 1; // the colon
      const start = skipWs(t, i);
      const end = valueEnd(t, start);
      out.push({ name, value: t.slice(start, end) });
      i = end;
    }
  }

  function member(t, name) {
    const m = members(t).find(x => x.name === name);
    return m ? m.value : undefined;
  }

  /** JSON text re-indented token by token: strings and numbers exactly as stored. */
  function pretty(t) {
    const out = [];
    let depth = 0;
    let i = 0;
    const newline = () => '\n' + '  '.repeat(depth);
    while (i < t.length) {
      const c = t[i];
      if (WS.includes(c)) { i++; continue; }
      if (c === '{' || c === '[') {
        const close = c === '{' ? '}' : ']';
        const next = skipWs(t, i + 1);
        if (t[next] === close) { out.push(c + close); i = next + 1; continue; }
        depth++;
        out.push(c + newline());
        i++;
      } else if (c === '}' || c === ']') {
        depth--;
        out.push(newline() + c);
        i++;
      } else if (c === ',') {
        out.push(',' + newline());
        i++;
      } else if (c === ':') {
        out.push(': ');
        i++;
      } else {
        const end = valueEnd(t, i);
        out.push(t.slice(i, end));
        i = end;
      }
    }
    return out.join('');
  }

  function code(text) {
    return el('pre', {}, el('code', {}, text));
  }

  // ---------------------------------------------------------------- the API

  class ApiError extends Error {
    constructor(status, message, problem) {
      super(message);
      this.status = status;
      this.problem = problem;
    }
  }

  function key() {
    return sessionStorage.getItem(KEY_STORAGE) || '';
  }

  async function api(path, accept) {
    const k = key();
    const headers = { Accept: accept || 'application/json' };
    if (k) headers.Authorization = 'Bearer ' + k;
    let res;
    try {
      res = await fetch(path, { headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
    } catch (e) {
      throw new ApiError(0, 'The hub did not answer (' + e.message + '). Is it running and reachable?');
    }
    const text = await res.text();
    if (!res.ok) throw refusal(res, text);
    let json = null;
    if ((res.headers.get('Content-Type') || '').includes('json')) {
      try { json = JSON.parse(text); } catch (e) { throw new ApiError(res.status, 'The hub answered JSON the console cannot read: ' + e.message); }
    }
    return { status: res.status, text, json, headers: res.headers };
  }

  function refusal(res, text) {
    let problem = null;
    try { problem = JSON.parse(text); } catch (e) { /* not problem details: said by status alone */ }
    const detail = problem && typeof problem.detail === 'string' ? problem.detail : '';
    const fields = problem && Array.isArray(problem.errors)
      ? problem.errors.map(e => (e.field || e.pointer || e.name || '') + ': ' + (e.message || e.detail || '')).join('; ') : '';
    const said = [detail, fields].filter(Boolean).join(' ');
    switch (res.status) {
      case 401:
        return new ApiError(401, 'The hub did not accept this key (401 Unauthorized): it is unknown or mistyped. '
          + 'Enter a reader or admin key above.', problem);
      case 403:
        return new ApiError(403, 'Refused (403 Forbidden): this key may not read the history. The console needs a '
          + 'reader or admin key; a producer key can only publish events.' + (detail ? ' The hub said: ' + detail : ''), problem);
      case 429:
        return new ApiError(429, 'Too many requests (429): the hub asks to wait ' + (res.headers.get('Retry-After') || 'a moment')
          + ' s before trying again.', problem);
      case 503:
        return new ApiError(503, 'The hub cannot reach its store right now (503). Try again in a few seconds.'
          + (detail ? ' ' + detail : ''), problem);
      case 400:
        return new ApiError(400, 'The hub refused the request (400): ' + (said || 'bad parameters') + '.', problem);
      case 404:
        return new ApiError(404, said || 'Not found (404).', problem);
      default:
        return new ApiError(res.status, 'The hub answered ' + res.status + (said ? ': ' + said : '.'), problem);
    }
  }

  function errorState(e) {
    return state(e instanceof ApiError ? e.message : 'Something went wrong in the console: ' + e.message, 'error');
  }

  /** True when a key is set; otherwise shows why there is no data and returns false. */
  function needKey(title) {
    if (key()) return true;
    show(el('h2', {}, title), state('No data without a key. Enter a reader or admin API key above: it is kept in this '
      + 'browser tab only (sessionStorage) and sent to the hub as a bearer header, never in a URL.'));
    return false;
  }

  function guard(gen, fn) {
    return (...args) => { if (gen === generation) fn(...args); };
  }

  // ---------------------------------------------------------------- views

  function eventRows(events) {
    return events.map(e => {
      const m = e.meta || {};
      return el('tr', {},
        td(m.received_at, 'time'),
        td(m.service),
        td(m.type),
        td(link('aggregate', { id: m.aggregate_id }, m.aggregate_id)),
        td(m.correlation_id ? link('correlation', { id: m.correlation_id }, m.correlation_id) : '', 'opt'),
        td(link('event', { id: e.id }, e.id), 'opt mono'));
    });
  }

  const EVENT_HEADERS = ['received_at', 'service', 'type', 'aggregate',
    { text: 'correlation', cls: 'opt' }, { text: 'id', cls: 'opt' }];

  const SEARCH_FIELDS = [
    ['service', 'Service'], ['type', 'Type'], ['aggregate_id', 'Aggregate id'], ['correlation_id', 'Correlation id'],
    ['received_after', 'Received after (ISO-8601)'], ['received_before', 'Received before (ISO-8601)']];

  async function search(params, gen) {
    const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Search events' });
    for (const [name, label] of SEARCH_FIELDS) {
      const input = el('input', { name, id: 'search-' + name, type: 'text', spellcheck: 'false', autocomplete: 'off' });
      input.value = params.get(name) || '';
      form.appendChild(el('label', { for: 'search-' + name }, label, input));
    }
    form.appendChild(el('div', {}, el('button', { type: 'submit', class: 'primary' }, 'Search')));
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      const next = {};
      for (const [name] of SEARCH_FIELDS) next[name] = form.elements[name].value.trim();
      location.hash = fragment('search', next);
    });
    const results = el('section', { 'aria-label': 'Results' });
    show(el('h2', {}, 'Search events'), form, results);
    if (!key()) {
      results.appendChild(state('No data without a key. Enter a reader or admin API key above.'));
      return;
    }
    results.appendChild(state('Loading events…'));
    const query = new URLSearchParams();
    for (const [name] of SEARCH_FIELDS) if (params.get(name)) query.set(name, params.get(name));
    query.set('limit', String(PAGE_SIZE));
    if (params.get('cursor')) query.set('cursor', params.get('cursor'));
    const page = Number(params.get('page') || '1');
    try {
      const answer = await api('/events?' + query.toString());
      guard(gen, () => {
        const events = answer.json.events;
        const filters = Object.fromEntries(SEARCH_FIELDS.map(([n]) => [n, params.get(n)]));
        const pager = el('div', { class: 'pager' },
          el('span', {}, events.length === 0 ? 'Page ' + page + ': no events.'
            : 'Page ' + page + ': ' + events.length + ' event' + (events.length === 1 ? '' : 's') + ', oldest first.'),
          page > 1 ? link('search', filters, 'First page') : null,
          answer.json.next ? link('search', Object.assign({}, filters, { cursor: answer.json.next, page: page + 1 }), 'Next page') : null);
        results.replaceChildren(pager);
        if (events.length === 0) {
          results.appendChild(state(page > 1 ? 'No more events match.' : 'No events match these filters.'));
        } else {
          results.appendChild(table(EVENT_HEADERS, eventRows(events), 'wide'));
        }
      })();
    } catch (e) {
      guard(gen, () => results.replaceChildren(errorState(e)))();
    }
  }

  async function eventView(params, gen) {
    const id = params.get('id') || '';
    if (!UUID.test(id)) {
      // Every stored event's id is a UUID (a CloudEvent's other id is kept as an extension): nothing to ask the hub.
      show(el('h2', {}, 'Event'), state('Not an event id: "' + id + '". Event ids are UUIDs such as '
        + '0192f0c4-6d1e-7b3a-9c55-2f1d8c0e4a11.', 'error'));
      return;
    }
    if (!needKey('Event ' + id)) return;
    show(el('h2', {}, 'Event ', el('span', { class: 'mono' }, id)), state('Loading the event…'));
    let native;
    let cloud = null;
    try {
      native = await api('/events/' + encodeURIComponent(id));
      try {
        cloud = await api('/events/' + encodeURIComponent(id), 'application/cloudevents+json');
      } catch (e) {
        cloud = e;
      }
    } catch (e) {
      guard(gen, () => show(el('h2', {}, 'Event ', el('span', { class: 'mono' }, id)),
        e.status === 404 ? state('No event with this id is stored: ' + e.message, 'error') : errorState(e)))();
      return;
    }
    guard(gen, () => {
      const e = native.json;
      const m = e.meta || {};
      const known = new Set(['service', 'type', 'created_at', 'received_at', 'aggregate_id', 'correlation_id', 'extensions']);
      const otherMeta = Object.keys(m).filter(k => !known.has(k));
      const otherTop = Object.keys(e).filter(k => !['id', 'meta', 'payload'].includes(k));
      const proof = el('section', { id: 'proof', 'aria-label': 'Inclusion proof' }, el('h3', {}, 'Inclusion proof'),
        state('Checking the proof in this browser…'));
      const sections = [
        el('h2', {}, 'Event ', el('span', { class: 'mono' }, e.id)),
        facts([
          ['service', m.service], ['type', m.type],
          ['aggregate', link('aggregate', { id: m.aggregate_id }, m.aggregate_id)],
          ['correlation', m.correlation_id ? link('correlation', { id: m.correlation_id }, m.correlation_id) : null],
          ['created_at', m.created_at], ['received_at', m.received_at]]),
      ];
      if (m.extensions && typeof m.extensions === 'object') {
        sections.push(el('h3', {}, 'Extensions'), table(['name', 'value'],
          Object.entries(m.extensions).map(([k, v]) => el('tr', {}, td(k), td(typeof v === 'string' ? v : JSON.stringify(v))))));
      }
      const erasure = [...otherTop.map(k => [k, e[k]]), ...otherMeta.map(k => ['meta.' + k, m[k]])];
      if (erasure.length > 0) {
        sections.push(el('h3', {}, /erase|erasure/i.test(erasure.map(x => x[0]).join(' ')) ? 'Erasure' : 'Other fields'),
          ...erasure.map(([k, v]) => el('div', {}, el('p', { class: 'mono' }, k), code(pretty(JSON.stringify(v))))));
      }
      const payload = member(native.text, 'payload');
      sections.push(el('div', { class: 'columns' },
        el('section', { 'aria-label': 'Native form' }, el('h3', {}, 'Native form'), code(pretty(native.text))),
        el('section', { 'aria-label': 'CloudEvents form' }, el('h3', {}, 'CloudEvents form'),
          cloud instanceof Error ? state('The CloudEvents form is not available: ' + cloud.message, 'error') : code(pretty(cloud.text)))));
      sections.push(el('h3', {}, 'Payload'), code(payload === undefined ? '(none)' : pretty(payload)), proof);
      show(...sections);
      verifyProof(native, proof, gen);
    })();
  }

  // ---------------------------------------------------------------- the inclusion proof, in the browser

  const utf8 = new TextEncoder();

  function bytes(...parts) {
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  function field(b) {
    const out = new Uint8Array(4 + b.length);
    new DataView(out.buffer).setUint32(0, b.length);
    out.set(b, 4);
    return out;
  }

  function hex(b) {
    return Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
  }

  function unhex(t) {
    const out = new Uint8Array(t.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(t.substr(i * 2, 2), 16);
    return out;
  }

  function unbase64(t) {
    const s = atob(t.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((t.length + 3) % 4));
    return Uint8Array.from(s, c => c.charCodeAt(0));
  }

  function base64(b) {
    return btoa(String.fromCharCode(...b));
  }

  async function sha256(b) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', b));
  }

  function compareBytes(a, b) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }

  /** docs/ledger.md "Leaf": the leaf hash from the event's text and the proof's payload salts; null when a member has no salt. */
  async function leafHash(eventText, event, salts) {
    const digests = [];
    for (const m of members(member(eventText, 'payload') || '{}')) {
      if (!salts || typeof salts[m.name] !== 'string') return { missing: m.name };
      digests.push(await sha256(bytes(field(utf8.encode('annals-ledger-member-v1')), field(unbase64(salts[m.name])),
        field(utf8.encode(m.name)), field(utf8.encode(m.value)))));
    }
    digests.sort(compareBytes);
    const meta = event.meta;
    const data = bytes(field(utf8.encode('annals-ledger-leaf-v1')), field(utf8.encode(event.id)),
      field(utf8.encode(meta.service)), field(utf8.encode(meta.type)), field(utf8.encode(meta.aggregate_id)),
      meta.correlation_id == null ? new Uint8Array([0]) : bytes(new Uint8Array([1]), field(utf8.encode(meta.correlation_id))),
      field(utf8.encode(meta.created_at)), field(utf8.encode(meta.received_at)), field(bytes(...digests)));
    return { hash: await sha256(bytes(new Uint8Array([0]), data)) };
  }

  /** RFC 9162 §2.1.3.2: the root an audit path leads to, or null when the path does not fit the tree. */
  async function rootFromPath(index, size, leaf, path) {
    if (index >= size) return null;
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    for (const p of path) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(bytes(new Uint8Array([1]), p, r));
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await sha256(bytes(new Uint8Array([1]), r, p));
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  async function verifyProof(native, section, gen) {
    const list = el('ul', { class: 'checks' });
    const say = (ok, text) => list.appendChild(el('li', { class: ok === true ? 'ok' : ok === false ? 'error' : 'warn' },
      (ok === true ? '✔ ' : ok === false ? '✘ ' : '! ') + text));
    const done = (...more) => guard(gen, () => section.replaceChildren(el('h3', {}, 'Inclusion proof'), ...more))();
    if (!window.crypto || !crypto.subtle) {
      done(state('This page is not in a secure context (HTTPS or localhost), so the browser offers no WebCrypto: '
        + 'the proof cannot be checked here.', 'error'));
      return;
    }
    let digest;
    let key;
    let proof;
    try {
      digest = (await api('/ledger/digest')).json;
      key = (await api('/ledger/key')).json;
    } catch (e) {
      const off = e.problem && String(e.problem.type || '').includes('ledger-off');
      done(off ? state('The ledger is off on this hub: there is no proof to check.') : errorState(e));
      return;
    }
    if (digest.tree_size === 0) {
      done(state('The ledger is still empty: this event gets its leaf once it is below the feed\'s stable point.'));
      return;
    }
    try {
      proof = (await api('/ledger/proof/inclusion?' + new URLSearchParams({ id: native.json.id, tree_size: String(digest.tree_size) }))).json;
    } catch (e) {
      done(e.status === 404 ? state('This event has no leaf yet in the signed tree of ' + digest.tree_size
        + ' leaves: it gets one once it is below the feed\'s stable point. Reload in a few seconds.') : errorState(e));
      return;
    }
    const leaf = await leafHash(native.text, native.json, proof.payload_salts);
    let leafBytes;
    if (leaf.missing !== undefined) {
      say(null, 'Payload member "' + leaf.missing + '" has no salt (erased?): the leaf hash is taken from the proof, not recomputed.');
      leafBytes = unhex(proof.leaf_hash);
    } else {
      const same = hex(leaf.hash) === proof.leaf_hash;
      say(same, same ? 'Leaf hash recomputed from this event equals the ledger\'s leaf ' + proof.leaf_index + '.'
        : 'Leaf hash recomputed from this event (' + hex(leaf.hash) + ') differs from the ledger\'s (' + proof.leaf_hash + ').');
      leafBytes = leaf.hash;
    }
    const root = await rootFromPath(proof.leaf_index, proof.tree_size, leafBytes, proof.audit_path.map(unhex));
    const rootOk = root !== null && hex(root) === digest.root_hash;
    say(rootOk, rootOk ? 'The audit path (' + proof.audit_path.length + ' hashes) leads to the signed root of '
      + digest.tree_size + ' leaves.' : 'The audit path does not lead to the signed root.');
    const checkpoint = String(digest.checkpoint || '');
    const body = checkpoint.slice(0, checkpoint.indexOf('\n\n') + 1);
    const lines = body.split('\n');
    const bodyOk = lines[1] === String(digest.tree_size) && lines[2] === base64(unhex(digest.root_hash));
    say(bodyOk, bodyOk ? 'The signed note names the same tree size and root.' : 'The signed note does not match the digest\'s size and root.');
    let signature = null;
    try {
      const pub = await crypto.subtle.importKey('raw', unhex(key.public_key_hex), { name: 'Ed25519' }, false, ['verify']);
      signature = await crypto.subtle.verify({ name: 'Ed25519' }, pub, unhex(digest.signature), utf8.encode(body));
      say(signature, signature ? 'The Ed25519 signature of the tree head verifies with key ' + key.key_id + ' (' + key.origin + ').'
        : 'The Ed25519 signature of the tree head does NOT verify with key ' + key.key_id + '.');
    } catch (e) {
      say(null, 'This browser cannot verify Ed25519 signatures (' + e.name + '): only the root was checked, not the signature.');
    }
    const verdict = leaf.missing === undefined && rootOk && bodyOk && signature === true;
    done(el('p', { class: verdict ? 'ok' : rootOk && bodyOk && signature !== false && leaf.missing !== undefined ? 'warn' : 'error', id: 'proof-verdict' },
      verdict ? 'Verified: this event is leaf ' + proof.leaf_index + ' of the signed tree of ' + digest.tree_size + ' leaves.'
        : 'Not fully verified: see below.'),
    list,
    facts([['tree size', String(digest.tree_size)], ['root', el('span', { class: 'mono' }, digest.root_hash)],
      ['signed at', digest.time], ['key id', key.key_id],
      ['note', 'The public key is the one this hub serves now: compare its key id with one you trust.']]));
  }

  // ---------------------------------------------------------------- playback

  async function aggregateHistory(aggregateId) {
    const events = [];
    const texts = [];
    let cursor = null;
    for (let i = 0; i < HISTORY_PAGES; i++) {
      const q = new URLSearchParams({ limit: String(HISTORY_PAGE_SIZE) });
      if (cursor) q.set('cursor', cursor);
      const answer = await api('/aggregates/' + encodeURIComponent(aggregateId) + '/events?' + q.toString());
      events.push(...answer.json.events);
      const raw = member(answer.text, 'events');
      // The raw text of each event, for payloads exactly as stored (decimals as sent).
      let at = skipWs(raw, 1);
      while (raw[at] === '{') {
        const end = valueEnd(raw, at);
        texts.push(raw.slice(at, end));
        at = skipWs(raw, end);
        if (raw[at] === ',') at = skipWs(raw, at + 1);
      }
      cursor = answer.json.next;
      if (!cursor) return { events, texts, complete: true };
    }
    return { events, texts, complete: false };
  }

  /** For step k (1-based): the accumulated state (shallow merge of payloads 1..k) and what step k changed. */
  function playback(texts, k) {
    const stateMap = new Map();
    let changes = [];
    for (let i = 0; i < k; i++) {
      const payload = member(texts[i], 'payload') || '{}';
      let ms;
      try { ms = members(payload); } catch (e) { ms = []; } // not an object (a CloudEvent's bytes): nothing to merge
      changes = [];
      for (const m of ms) {
        const before = stateMap.get(m.name);
        if (before === undefined) changes.push({ kind: 'added', name: m.name, after: m.value });
        else if (before !== m.value) changes.push({ kind: 'changed', name: m.name, before, after: m.value });
        stateMap.set(m.name, m.value);
      }
    }
    const text = '{' + [...stateMap].map(([n, v]) => JSON.stringify(n) + ':' + v).join(',') + '}';
    return { state: text, changes };
  }

  function positions(times) {
    const ms = times.map(t => Date.parse(t));
    const lo = Math.min(...ms);
    const hi = Math.max(...ms);
    return ms.map(t => (hi === lo ? 50 : 2 + 96 * (t - lo) / (hi - lo)));
  }

  async function aggregateView(params, gen) {
    const id = params.get('id') || '';
    const title = el('h2', {}, 'Playback of aggregate ', el('span', { class: 'mono' }, id));
    if (!needKey('Playback of aggregate ' + id)) return;
    show(title, state('Loading the aggregate\'s history…'));
    let h;
    try {
      h = await aggregateHistory(id);
    } catch (e) {
      guard(gen, () => show(title, errorState(e)))();
      return;
    }
    guard(gen, () => {
      const n = h.events.length;
      if (n === 0) {
        show(title, state('No events are stored for this aggregate.'));
        return;
      }
      const slider = el('input', { type: 'range', id: 'step', min: '1', max: String(n), step: '1',
        'aria-label': 'Step of the playback' });
      const prev = el('button', { type: 'button', id: 'step-prev' }, '◀ Previous');
      const next = el('button', { type: 'button', id: 'step-next' }, 'Next ▶');
      const label = el('output', { for: 'step', id: 'step-label' });
      const line = el('div', { class: 'timeline', 'aria-hidden': 'true' });
      const steps = el('ol', { class: 'steps', 'aria-label': 'Steps in created_at order' });
      const detail = el('section', { id: 'step-detail', 'aria-live': 'polite' });
      const where = positions(h.events.map(e => e.meta.created_at));
      const marks = h.events.map((e, i) => {
        const mark = el('button', { type: 'button', class: 'mark', tabindex: '-1', title: (i + 1) + ': ' + e.meta.type });
        mark.style.left = where[i] + '%';
        mark.addEventListener('click', () => go(i + 1));
        line.appendChild(mark);
        return mark;
      });
      const items = h.events.map((e, i) => {
        const b = el('button', { type: 'button' }, (i + 1) + '. ' + e.meta.created_at + ' ' + e.meta.type);
        b.addEventListener('click', () => go(i + 1));
        const li = el('li', {}, b);
        steps.appendChild(li);
        return li;
      });
      function go(k) {
        k = Math.max(1, Math.min(n, k));
        slider.value = String(k);
        const e = h.events[k - 1];
        const p = playback(h.texts, k);
        label.textContent = 'Step ' + k + ' of ' + n;
        marks.forEach((m, i) => { m.classList.toggle('current', i === k - 1); m.classList.toggle('done', i < k - 1); });
        items.forEach((li, i) => { li.classList.toggle('current', i === k - 1); if (i === k - 1) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current'); });
        prev.disabled = k === 1;
        next.disabled = k === n;
        const changeList = el('ul', { class: 'changes', id: 'step-changes' }, p.changes.length === 0
          ? el('li', {}, 'Nothing changed: the payload repeats values already in the state (or is empty).')
          : p.changes.map(c => el('li', { class: c.kind }, c.kind === 'added' ? 'added ' + c.name + ' = ' + c.after
            : 'changed ' + c.name + ': ' + c.before + ' → ' + c.after)));
        detail.replaceChildren(
          el('h3', {}, 'Step ' + k + ': ', e.meta.type),
          facts([['created_at', e.meta.created_at], ['received_at', e.meta.received_at], ['service', e.meta.service],
            ['event', link('event', { id: e.id }, e.id)]]),
          el('div', { class: 'columns' },
            el('section', {}, el('h3', {}, 'This step\'s payload'), el('pre', { id: 'step-payload' }, pretty(member(h.texts[k - 1], 'payload') || '{}')),
              el('h3', {}, 'What this step changed'), changeList),
            el('section', {}, el('h3', {}, 'State after step ' + k + ' (payloads merged, later members win)'),
              el('pre', { id: 'step-state' }, pretty(p.state)))));
        replaceFragment(fragment('aggregate', { id, step: k }));
      }
      slider.addEventListener('input', () => go(Number(slider.value)));
      prev.addEventListener('click', () => go(Number(slider.value) - 1));
      next.addEventListener('click', () => go(Number(slider.value) + 1));
      show(title,
        el('p', {}, n + ' event' + (n === 1 ? '' : 's') + ' in created_at order, from ' + h.events[0].meta.created_at + ' to '
          + h.events[n - 1].meta.created_at + (h.complete ? '.' : ' (the first ' + n + ' only).')),
        el('div', { class: 'slider' }, prev, slider, next, label), line,
        el('div', { class: 'columns' }, el('section', { 'aria-label': 'Steps' }, steps), detail));
      go(Number(params.get('step') || String(n)));
    })();
  }

  function replaceFragment(hash) {
    if (location.hash !== hash) window.history.replaceState(null, '', hash);
  }

  // ---------------------------------------------------------------- correlation

  async function correlationView(params, gen) {
    const id = params.get('id') || '';
    const title = el('h2', {}, 'Correlation ', el('span', { class: 'mono' }, id));
    if (!needKey('Correlation ' + id)) return;
    show(title, state('Loading the correlation\'s events…'));
    const events = [];
    let complete = false;
    try {
      let cursor = null;
      for (let i = 0; i < HISTORY_PAGES && !complete; i++) {
        const q = new URLSearchParams({ correlation_id: id, limit: String(HISTORY_PAGE_SIZE) });
        if (cursor) q.set('cursor', cursor);
        const answer = await api('/events?' + q.toString());
        events.push(...answer.json.events);
        cursor = answer.json.next;
        complete = !cursor;
      }
    } catch (e) {
      guard(gen, () => show(title, errorState(e)))();
      return;
    }
    guard(gen, () => {
      if (events.length === 0) {
        show(title, state('No events carry this correlation id.'));
        return;
      }
      events.sort((a, b) => Date.parse(a.meta.created_at) - Date.parse(b.meta.created_at));
      const services = [...new Set(events.map(e => e.meta.service))].sort();
      const where = positions(events.map(e => e.meta.created_at));
      const lanes = el('div', { class: 'lanes', id: 'lanes' });
      for (const service of services) {
        const lane = el('div', { class: 'lane', 'data-service': service, role: 'list', 'aria-label': 'Lane of ' + service });
        events.forEach((e, i) => {
          if (e.meta.service !== service) return;
          const mark = el('a', { class: 'mark', href: fragment('event', { id: e.id }), role: 'listitem',
            title: e.meta.created_at + ' ' + e.meta.type, 'aria-label': e.meta.type + ' at ' + e.meta.created_at });
          mark.style.left = where[i] + '%';
          lane.appendChild(mark);
        });
        lanes.appendChild(el('div', { class: 'lane-name' }, service));
        lanes.appendChild(lane);
      }
      show(title,
        el('p', {}, events.length + ' event' + (events.length === 1 ? '' : 's') + ' across ' + services.length + ' service'
          + (services.length === 1 ? '' : 's') + ', from ' + events[0].meta.created_at + ' to ' + events[events.length - 1].meta.created_at
          + (complete ? '.' : ' (the first ' + events.length + ' only).')),
        lanes,
        el('h3', {}, 'In created_at order'),
        table(['created_at', 'service', 'type', 'aggregate', { text: 'id', cls: 'opt' }], events.map(e => el('tr', {},
          td(e.meta.created_at, 'time'), td(e.meta.service), td(e.meta.type),
          td(link('aggregate', { id: e.meta.aggregate_id }, e.meta.aggregate_id)), td(link('event', { id: e.id }, e.id), 'opt mono'))), 'wide'));
    })();
  }

  // ---------------------------------------------------------------- live tail

  const CRC_TABLE = (() => {
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();

  function crc32(b) {
    let c = 0xffffffff;
    for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  /**
   * A feed cursor just before everything at or after {@code time} (the hub's cursor layout, version 1,
   * see io.annals.hub.server.query.Cursor): the console is served by the hub itself, so it knows the
   * layout; the tail starts at the stable point without paging through the whole history.
   */
  function cursorAt(time) {
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(time);
    if (!m) throw new Error('unexpected stable point ' + time);
    const micros = BigInt(Date.parse(m[1] + 'Z')) * 1000n + BigInt((m[2] || '').padEnd(6, '0').slice(0, 6));
    const body = new Uint8Array(2 + 8 + 1);
    const dv = new DataView(body.buffer);
    body[0] = 1; // version
    body[1] = 1; // kind: a position (received_at, id)
    dv.setBigInt64(2, micros);
    body[10] = 0; // an empty id: before every event received at that instant
    const out = new Uint8Array(body.length + 4);
    out.set(body);
    new DataView(out.buffer).setUint32(body.length, crc32(body));
    return base64(out).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  async function liveView(params, gen) {
    if (!needKey('Live tail')) return;
    const filter = el('input', { type: 'search', id: 'tail-filter', spellcheck: 'false', autocomplete: 'off',
      placeholder: 'service, type, aggregate or id contains…' });
    filter.value = params.get('filter') || '';
    const pause = el('button', { type: 'button', id: 'tail-pause', 'aria-pressed': 'false' }, 'Pause');
    const status = el('p', { id: 'tail-status', role: 'status' }, 'Starting at the feed\'s stable point…');
    const body = el('tbody', { id: 'tail-rows' });
    const empty = state('No new events yet. New events appear here about a second after they are below the feed\'s stable point.');
    show(el('h2', {}, 'Live tail'),
      el('div', { class: 'pager' }, el('label', { for: 'tail-filter' }, 'Filter '), filter, pause), status, empty,
      el('div', { class: 'scroll' }, el('table', { class: 'wide' },
        el('thead', {}, el('tr', {}, EVENT_HEADERS.map(h => el('th', { scope: 'col', class: h.cls }, h.text || h)))), body)));
    let paused = false;
    let cursor = null;
    let seen = 0;
    const matches = (tr) => {
      const f = filter.value.trim().toLowerCase();
      return !f || tr.dataset.search.includes(f);
    };
    filter.addEventListener('input', () => {
      for (const tr of body.children) tr.hidden = !matches(tr);
      replaceFragment(fragment('live', { filter: filter.value.trim() }));
    });
    pause.addEventListener('click', () => {
      paused = !paused;
      pause.textContent = paused ? 'Resume' : 'Pause';
      pause.setAttribute('aria-pressed', String(paused));
      status.textContent = paused ? 'Paused: nothing is missed; resuming continues from the same point.' : 'Following the feed.';
      if (!paused) schedule(0);
    });
    const schedule = (ms) => {
      if (gen !== generation) return;
      // Only the newest timer can still be pending: the others have fired, so the list stays short.
      timers = [setTimeout(poll, ms)];
    };
    let busy = false; // one request at a time: a quick pause and resume must not start a second loop
    async function poll() {
      if (gen !== generation || paused || busy) return;
      busy = true;
      try {
        if (cursor === null) {
          const first = await api('/feed?limit=1');
          cursor = cursorAt(first.json.stable_until);
          if (gen !== generation) return;
          status.textContent = 'Following the feed from its stable point ' + first.json.stable_until + '.';
        }
        const answer = await api('/feed?' + new URLSearchParams({ after: cursor, limit: '200' }));
        if (gen !== generation) return;
        const events = answer.json.events;
        for (const row of eventRows(events)) {
          row.dataset.search = row.textContent.toLowerCase();
          row.hidden = !matches(row);
          body.prepend(row);
          seen++;
        }
        while (body.children.length > TAIL_KEPT) body.lastChild.remove();
        if (seen > 0) empty.hidden = true;
        cursor = answer.json.next || cursor;
        if (!paused) {
          status.textContent = 'Following the feed: ' + seen + ' new event' + (seen === 1 ? '' : 's') + ' so far; stable point '
            + answer.json.stable_until + '.';
        }
        schedule(events.length === 200 ? 0 : TAIL_EVERY_MS);
      } catch (e) {
        if (gen !== generation) return;
        status.replaceChildren(errorState(e));
        if (!(e instanceof ApiError && (e.status === 401 || e.status === 403))) schedule(5 * TAIL_EVERY_MS);
      } finally {
        busy = false;
      }
    }
    poll();
  }

  // ---------------------------------------------------------------- catalog, feed, ledger

  function sparkline(values) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', '0 0 100 20');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'rate: ' + values.join(', '));
    const max = Math.max(...values, 1e-9);
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', values.map((v, i) => (values.length === 1 ? 50 : 100 * i / (values.length - 1)).toFixed(1)
      + ',' + (19 - 18 * v / max).toFixed(1)).join(' '));
    svg.appendChild(line);
    return svg;
  }

  function cell(value) {
    if (Array.isArray(value) && value.length > 0 && value.every(v => typeof v === 'number')) {
      return el('td', {}, sparkline(value), ' ', String(value[value.length - 1]));
    }
    if (value !== null && typeof value === 'object') return td(JSON.stringify(value), 'mono');
    return td(value === undefined || value === null ? '' : String(value));
  }

  async function catalogView(params, gen) {
    if (!needKey('Catalog')) return;
    const title = el('h2', {}, 'Catalog');
    show(title, state('Loading the catalog…'));
    let answer;
    try {
      answer = await api('/catalog');
    } catch (e) {
      guard(gen, () => show(title, e.status === 404 && !(e.problem && e.problem.type && String(e.problem.type).includes('catalog'))
        ? state('The catalog is not available on this hub (it answers 404 for /catalog): this hub version keeps no catalog.')
        : errorState(e)))();
      return;
    }
    guard(gen, () => {
      const body = answer.json;
      const rows = Array.isArray(body) ? body : Object.values(body || {}).find(Array.isArray) || [];
      if (rows.length === 0) {
        show(title, state('The catalog is empty: no events have been stored yet.'));
        return;
      }
      const first = ['service', 'type'];
      const columns = [...new Set([...first.filter(c => rows.some(r => c in r)), ...rows.flatMap(r => Object.keys(r))])];
      show(title, el('p', {}, rows.length + ' (service, type) pair' + (rows.length === 1 ? '' : 's') + '.'),
        table(columns, rows.map(r => el('tr', {}, columns.map(c => c === 'type' && r.service !== undefined
          ? el('td', {}, link('search', { service: r.service, type: r.type }, String(r.type))) : cell(r[c]))))));
    })();
  }

  function prometheusValue(text, name) {
    const line = text.split('\n').find(l => l.startsWith(name + ' ') || l.startsWith(name + '{'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
  }

  function flatten(prefix, value, out) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) flatten(prefix ? prefix + '.' + k : k, v, out);
    } else {
      out.push([prefix, value === null ? null : String(value)]);
    }
    return out;
  }

  async function feedView(params, gen) {
    if (!needKey('Feed')) return;
    const title = el('h2', {}, 'Feed');
    show(title, state('Loading the feed\'s state…'));
    try {
      const page = await api('/feed?limit=1');
      const metrics = await api('/metrics');
      const lag = prometheusValue(metrics.text, 'annals_hub_feed_stable_lag_seconds');
      const ready = await api('/health/ready');
      const ledgerLag = ready.json && ready.json.ledger ? ready.json.ledger.lag_seconds : undefined;
      guard(gen, () => show(title, facts([
        ['stable point', page.json.stable_until],
        ['lag (hub clock − stable point at the last feed read)', lag === null ? 'not reported' : lag.toFixed(3) + ' s'],
        ['oldest event in the feed', page.json.events.length ? page.json.events[0].meta.received_at : 'none: the feed is empty'],
        ['ledger lag behind the stable point', ledgerLag === undefined || ledgerLag === null ? 'not reported' : ledgerLag + ' s']]),
        el('p', {}, 'Events become visible to consumers once below the stable point; see the ',
          link('live', {}, 'live tail'), '.')))();
    } catch (e) {
      guard(gen, () => show(title, errorState(e)))();
    }
  }

  async function ledgerView(params, gen) {
    if (!needKey('Ledger')) return;
    const title = el('h2', {}, 'Ledger');
    show(title, state('Loading the ledger\'s state…'));
    let ready;
    try {
      ready = await api('/health/ready');
    } catch (e) {
      guard(gen, () => show(title, errorState(e)))();
      return;
    }
    const detail = (ready.json && ready.json.ledger) || { status: 'not reported' };
    let digest = null;
    let digestError = null;
    if (detail.status !== 'off') {
      try { digest = (await api('/ledger/digest')).json; } catch (e) { digestError = e; }
    }
    guard(gen, () => {
      const status = String(detail.status);
      show(title,
        el('p', { id: 'ledger-status', class: status === 'ok' ? 'ok' : status === 'mismatch' ? 'error' : 'warn' },
          status === 'ok' ? 'The ledger is running; no mismatch found.' : status === 'mismatch'
            ? 'The scrub found a stored event that differs from its leaf: see below.'
            : status === 'off' ? 'The ledger is off on this hub.' : 'Ledger state: ' + status + '.'),
        el('h3', {}, 'Last signed digest'),
        digest ? facts([['tree size', String(digest.tree_size)], ['root', el('span', { class: 'mono' }, digest.root_hash)],
          ['covers feed up to', digest.position ? digest.position.received_at + ' ' + digest.position.id : 'nothing yet'],
          ['signed at', digest.time], ['key id', digest.key_id], ['origin', digest.origin]])
          : digestError ? errorState(digestError) : state('No digest: the ledger is off.'),
        el('h3', {}, 'Appender and scrub (from /health/ready)'),
        facts(flatten('', detail, []).map(([k, v]) => [k, v])));
    })();
  }

  // ---------------------------------------------------------------- routing and the key

  const VIEWS = { search, event: eventView, aggregate: aggregateView, correlation: correlationView,
    live: liveView, catalog: catalogView, feed: feedView, ledger: ledgerView };

  function route() {
    const hash = location.hash.slice(1);
    const q = hash.indexOf('?');
    const name = q < 0 ? hash : hash.slice(0, q);
    return { name: VIEWS[name] ? name : 'search', params: new URLSearchParams(q < 0 ? '' : hash.slice(q + 1)) };
  }

  function render() {
    generation++;
    timers.forEach(clearTimeout);
    timers = [];
    const r = route();
    for (const a of document.querySelectorAll('nav a')) {
      if (a.dataset.view === r.name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    document.title = 'Annals console: ' + r.name;
    VIEWS[r.name](r.params, generation).catch(e => show(errorState(e)));
  }

  function keyState() {
    document.getElementById('key-state').textContent = key()
      ? 'A key is set for this tab.' : 'No key: the console shows no data without one.';
  }

  document.getElementById('key-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const input = document.getElementById('key-input');
    const value = input.value.trim();
    input.value = '';
    if (value) sessionStorage.setItem(KEY_STORAGE, value);
    keyState();
    render();
  });
  document.getElementById('key-forget').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    keyState();
    render();
  });
  window.addEventListener('hashchange', render);
  keyState();
  render();
})();
