// Site search, in the browser, over the index that `renkei build` writes under search/.
// The same algorithm as src/search/query.rs (which the Rust tests check on the real site):
// character bigrams narrow the candidates, the texts confirm the match and give the snippet.
// Progressive enhancement: the page works as a plain form; this script adds the results.
(() => {
  'use strict';
  const script = document.currentScript;
  const base = script.dataset.index;
  const LIMIT = 50, BEFORE = 30, LENGTH = 100;
  const form = document.getElementById('search-form');
  const input = document.getElementById('search-q');
  const kindSelect = document.getElementById('search-kind');
  const prefSelect = document.getElementById('search-pref');
  const status = document.getElementById('search-status');
  const list = document.getElementById('search-results');
  if (!form || !input || !list) return;
  const text = (key) => status.dataset[key] || '';

  let timer;
  const cache = new Map();
  const fetchJson = (path) => {
    if (!cache.has(path)) {
      cache.set(path, fetch(base + path).then((r) => {
        if (!r.ok) throw new Error(`${path}: ${r.status}`);
        return r.json();
      }));
    }
    return cache.get(path);
  };

  // One character normalised: NFKC, ASCII lower case, katakana as hiragana (kana::to_hiragana).
  const normalizeChar = (c) => {
    let out = '';
    for (const n of c.normalize('NFKC')) {
      const code = n.codePointAt(0);
      if ((code >= 0x30a1 && code <= 0x30f6) || code === 0x30fd || code === 0x30fe) out += String.fromCodePoint(code - 0x60);
      else if (code >= 0x41 && code <= 0x5a) out += String.fromCodePoint(code + 0x20);
      else out += n;
    }
    return out;
  };
  // Normalised characters, each with the index of the original character it came from.
  const normalize = (s) => {
    const chars = [], origin = [];
    Array.from(s).forEach((c, i) => { for (const n of normalizeChar(c)) { chars.push(n); origin.push(i); } });
    return { chars, origin };
  };
  const isSpace = (c) => /\s/u.test(c);
  const bigrams = (chars) => {
    const out = [];
    for (let i = 0; i + 1 < chars.length; i++) {
      if (!isSpace(chars[i]) && !isSpace(chars[i + 1])) out.push(chars[i] + chars[i + 1]);
    }
    return out;
  };
  const shardOf = (bigram, shards) => {
    let hash = 0x811c9dc5;
    for (const c of bigram) { hash ^= c.codePointAt(0); hash = Math.imul(hash, 0x01000193) >>> 0; }
    return hash % Math.max(shards, 1);
  };
  // ou, oo → o; uu → u (kana::collapse_long_vowels).
  const collapse = (s) => {
    let out = '';
    for (const c of s) {
      const last = out.slice(-1);
      if (!((last === 'o' && (c === 'u' || c === 'o')) || (last === 'u' && c === 'u'))) out += c;
    }
    return out;
  };
  const terms = (query) => normalize(query).chars.join('').split(/\s+/u)
    .filter((t) => Array.from(t).length >= 2)
    .map((t) => {
      const variants = [Array.from(t)];
      if (/^[a-z]+$/.test(t)) {
        const c = collapse(t);
        if (c !== t && c.length >= 2) variants.push(Array.from(c));
      }
      return variants;
    });
  const findAll = (hay, needle) => {
    const out = [];
    outer: for (let i = 0; i + needle.length <= hay.length; i++) {
      for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
      out.push(i);
    }
    return out;
  };
  const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const piece = (chars) => escapeHtml(chars.join('').replace(/\n/g, ' '));
  const snippet = (textValue, queryTerms) => {
    const original = Array.from(textValue);
    const { chars, origin } = normalize(textValue);
    const marks = [];
    for (const variant of queryTerms.flat()) {
      for (const start of findAll(chars, variant)) marks.push([origin[start], origin[start + variant.length - 1] + 1]);
    }
    marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let titleEnd = original.indexOf('\n');
    if (titleEnd < 0) titleEnd = original.length;
    const afterTitle = marks.find((m) => m[0] > titleEnd);
    const firstMark = afterTitle || marks[0];
    const first = firstMark ? firstMark[0] : 0;
    // The title is shown above the snippet: no need to repeat it.
    const start = afterTitle ? Math.max(first - BEFORE, titleEnd + 1, 0) : Math.max(0, first - BEFORE);
    const end = Math.min(start + LENGTH, original.length);
    let html = start > 0 && original[start - 1] !== '\n' ? '…' : '';
    let i = start;
    for (const [f, t] of marks) {
      const from = Math.max(f, i), to = Math.min(t, end);
      if (from >= to) continue;
      html += piece(original.slice(i, from)) + '<mark>' + piece(original.slice(from, to)) + '</mark>';
      i = to;
    }
    html += piece(original.slice(i, end));
    if (end < original.length) html += '…';
    return html;
  };

  // Decodes one bigram shard's delta-coded posting lists.
  const postings = async (meta, bigram) => {
    const shard = await fetchJson(`b/${shardOf(bigram, meta.shards)}.json`);
    const deltas = shard[bigram] || [];
    let last = 0;
    return deltas.map((d) => (last += d));
  };
  const withAllBigrams = async (meta, term) => {
    let result = null;
    for (const bigram of bigrams(term)) {
      const ids = new Set(await postings(meta, bigram));
      result = result === null ? [...ids] : result.filter((id) => ids.has(id));
      if (!result.length) break; // no need to download the other shards
    }
    return result || [];
  };
  const docText = async (meta, id) => {
    const group = meta.text_group;
    const texts = await fetchJson(`t/${Math.floor(id / group)}.json`);
    return texts[id % group];
  };

  async function search(query, kind, pref) {
    const meta = await fetchJson('meta.json');
    const queryTerms = terms(query);
    if (!queryTerms.length) return { meta, hits: [], queryTerms };
    let candidates = null;
    for (const variants of queryTerms) {
      const union = new Set();
      for (const v of variants) for (const id of await withAllBigrams(meta, v)) union.add(id);
      candidates = candidates === null ? [...union].sort((a, b) => a - b) : candidates.filter((id) => union.has(id));
    }
    const scored = [];
    for (const id of candidates) {
      const [, title, docKind, prefs] = meta.docs[id];
      if (kind !== null && docKind !== kind) continue;
      if (pref !== null && !prefs.includes(pref)) continue;
      const body = await docText(meta, id);
      const { chars } = normalize(body);
      // What the page is called: its title, and for places (kinds 0–2) also their reading line.
      const lines = body.split('\n');
      const titleChars = normalize(lines.slice(0, docKind <= 2 ? 2 : 1).join('\n')).chars;
      let score = 0, all = true;
      for (const variants of queryTerms) {
        const count = variants.reduce((n, v) => n + findAll(chars, v).length, 0);
        if (!count) { all = false; break; }
        const inTitle = variants.map((v) => findAll(titleChars, v)).find((at) => at.length > 0);
        // Pages named by the term come first, in index order; others by how often they use it.
        const atWordStart = inTitle && inTitle.some((i) => i === 0 || isSpace(titleChars[i - 1]));
        score += inTitle ? (atWordStart ? 150 : 100) : Math.min(count, 10);
      }
      if (all) scored.push({ score, id, snippet: snippet(body, queryTerms) });
    }
    scored.sort((a, b) => b.score - a.score || a.id - b.id);
    return { meta, hits: scored.slice(0, LIMIT), queryTerms };
  }

  // For tests: the browser test compares this with the Rust implementation on the same index.
  window.renkeiSearch = search;

  const fillFilters = (meta, params) => {
    if (kindSelect && kindSelect.options.length <= 1) {
      meta.kinds.forEach(([key, label], i) => kindSelect.add(new Option(label, key)));
      kindSelect.value = params.get('kind') || '';
    }
    if (prefSelect && prefSelect.options.length <= 1) {
      meta.prefectures.forEach(([id, name]) => prefSelect.add(new Option(name, id)));
      prefSelect.value = params.get('pref') || '';
    }
  };

  let latest = 0;
  async function run() {
    clearTimeout(timer);
    const ticket = ++latest;
    const query = input.value.trim();
    const params = new URLSearchParams({ q: query });
    if (kindSelect && kindSelect.value) params.set('kind', kindSelect.value);
    if (prefSelect && prefSelect.value) params.set('pref', prefSelect.value);
    history.replaceState(null, '', `${location.pathname}?${params}`);
    list.replaceChildren();
    if (!query) { status.textContent = ''; return; }
    status.textContent = text('searching');
    try {
      const meta = await fetchJson('meta.json');
      const kind = kindSelect && kindSelect.value ? meta.kinds.findIndex(([k]) => k === kindSelect.value) : null;
      const pref = prefSelect && prefSelect.value ? meta.prefectures.findIndex(([id]) => id === prefSelect.value) : null;
      const { hits, queryTerms } = await search(query, kind, pref);
      if (ticket !== latest) return; // a newer query is running
      if (!queryTerms.length) { status.textContent = text('tooShort'); return; }
      status.textContent = hits.length ? text('count').replace('{n}', hits.length) : text('none');
      for (const hit of hits) {
        const [url, title, docKind, prefs, docLang] = meta.docs[hit.id];
        const li = document.createElement('li');
        li.className = 'search-hit';
        const places = prefs.map((p) => meta.prefectures[p][1]).join('・');
        li.innerHTML = `<h2 class="search-hit-title"><a href="${escapeHtml(url)}"${docLang ? ` hreflang="${escapeHtml(docLang)}" lang="${escapeHtml(docLang)}"` : ''}>${escapeHtml(title)}</a></h2>`
          + `<p class="search-hit-meta"><span class="badge">${escapeHtml(meta.kinds[docKind][1])}</span>${places ? `<span class="search-hit-place">${escapeHtml(places)}</span>` : ''}</p>`
          + `<p class="search-hit-snippet">${hit.snippet}</p>`;
        list.append(li);
      }
    } catch (error) {
      status.textContent = text('failed');
      console.warn(error);
    }
  }

  const params = new URLSearchParams(location.search);
  const filters = document.getElementById('search-filters');
  if (filters) filters.hidden = false;
  fetchJson('meta.json').then((meta) => fillFilters(meta, params)).catch(() => { status.textContent = text('failed'); });
  form.addEventListener('submit', (event) => { event.preventDefault(); run(); });
  for (const select of [kindSelect, prefSelect]) if (select) select.addEventListener('change', run);
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 250); });
  if (params.get('q')) {
    input.value = params.get('q');
    fetchJson('meta.json').then((meta) => { fillFilters(meta, params); run(); }).catch(() => {});
  }
})();
