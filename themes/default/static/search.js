// Site search, in the browser, over the index that `renkei build` writes under search/.
// The same algorithm as src/search/query.rs (which the Rust tests check on the real site):
// character bigrams narrow the candidates, their rank hints order them, and the texts of the
// best ones only confirm the match and give the snippet, ten results at a time.
// Progressive enhancement: the page works as a plain form; this script adds the results.
(() => {
  'use strict';
  const script = document.currentScript;
  const base = script.dataset.index;
  const PAGE = 10, BEFORE = 30, LENGTH = 100, LOOKED_UP = 8, LOOKED_UP_PER_QUERY = 12, IN_PREFECTURE = 1000;
  const form = document.getElementById('search-form');
  const input = document.getElementById('search-q');
  const kindSelect = document.getElementById('search-kind');
  const prefSelect = document.getElementById('search-pref');
  const status = document.getElementById('search-status');
  const list = document.getElementById('search-results');
  const moreButton = document.getElementById('search-more');
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

  // The one normalisation of texts and queries (src/search/normalize.rs, step for step): NFKC of
  // each character with the combining marks after it (ｶﾞ → ガ), ASCII lower case, macrons off,
  // katakana as hiragana, ヶ ヵ and ケ after a kanji as が, づ/ぢ as ず/じ, 異体字 as their standard
  // form (the table comes with meta.json).
  const variants = new Map();
  const isKanji = (c) => /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]/u.test(c);
  const joins = (c) => {
    const code = c.codePointAt(0);
    if (code < 0x300 || (code >= 0x3041 && code <= 0x3096) || (code >= 0x30a1 && code <= 0x30f6) || (code >= 0x3400 && code <= 0x9fff)) return false;
    return /^\p{M}/u.test(c.normalize('NFKC'));
  };
  const PLAIN_VOWELS = { ā: 'a', â: 'a', Ā: 'a', Â: 'a', ī: 'i', î: 'i', Ī: 'i', Î: 'i', ū: 'u', û: 'u', Ū: 'u', Û: 'u', ē: 'e', ê: 'e', Ē: 'e', Ê: 'e', ō: 'o', ô: 'o', Ō: 'o', Ô: 'o' };
  const fold = (c, before) => {
    const code = c.codePointAt(0);
    if (code >= 0x41 && code <= 0x5a) return String.fromCodePoint(code + 0x20);
    if (Object.hasOwn(PLAIN_VOWELS, c)) return PLAIN_VOWELS[c];
    if (c === 'ヶ' || c === 'ヵ' || c === 'ゖ' || c === 'ゕ') return 'が';
    if (c === 'ケ' && before !== null && isKanji(before)) return 'が';
    if (c === 'ヅ' || c === 'づ') return 'ず';
    if (c === 'ヂ' || c === 'ぢ') return 'じ';
    if ((code >= 0x30a1 && code <= 0x30f6) || code === 0x30fd || code === 0x30fe) return String.fromCodePoint(code - 0x60);
    if (isKanji(c)) return variants.get(c) || c;
    return c;
  };
  // Normalised characters, each with the index of the original character it came from.
  const normalize = (s) => {
    const chars = [], origin = [];
    const all = Array.from(s);
    let before = null;
    for (let i = 0; i < all.length;) {
      let cluster = all[i], j = i + 1;
      while (j < all.length && joins(all[j])) cluster += all[j++];
      for (const n of cluster.normalize('NFKC')) {
        const f = fold(n, before);
        chars.push(f);
        origin.push(i);
        before = f;
      }
      i = j;
    }
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
  // Romaji as readings are written: long vowels once (oh before a consonant too), m before b, m, p as n.
  const foldRomaji = (word) => {
    const cs = Array.from(word);
    let out = '';
    cs.forEach((c, i) => {
      const next = cs[i + 1];
      if (c === 'h' && out.endsWith('o') && !(next !== undefined && 'aiueoy'.includes(next))) return;
      out += c === 'm' && next !== undefined && 'bmp'.includes(next) ? 'n' : c;
    });
    return collapse(out);
  };
  const SUFFIXES = new Map([['shi', ['shi']], ['city', ['shi']], ['ku', ['ku']], ['ward', ['ku']], ['machi', ['machi']], ['cho', ['cho']],
    ['town', ['machi', 'cho']], ['mura', ['mura']], ['son', ['son']], ['village', ['mura', 'son']], ['ken', ['ken']],
    ['prefecture', ['ken', 'fu', 'to']], ['fu', ['fu']]]);
  const KANJI_SUFFIXES = new Map([['市', ['し']], ['区', ['く']], ['町', ['まち', 'ちょう']], ['村', ['むら', 'そん']], ['県', ['けん']], ['都', ['と']], ['府', ['ふ']]]);
  const startsWith = (word, name) => name.every((c, i) => word[i] === c);
  const sameChars = (a, b) => a.length === b.length && startsWith(a, b);
  let prefectureNames = null;
  // The prefecture whose name (in Japanese) starts the word, followed by two characters or more.
  const prefectureInFront = (meta, word) => {
    if (!prefectureNames) prefectureNames = meta.places.map((name) => normalize(name).chars);
    let best = null;
    prefectureNames.forEach((name, i) => {
      if (name.length >= 2 && word.length >= name.length + 2 && startsWith(word, name) && (!best || name.length > best[1])) best = [i, name.length];
    });
    return best;
  };
  // The city in front of a ward of a 政令市 (札幌市中央区 → 札幌市): up to the last 市 before a 区 at the end.
  const cityInFront = (word) => {
    if (word[word.length - 1] !== '区') return null;
    const city = word.lastIndexOf('市');
    return city >= 2 && word.length >= city + 3 ? city + 1 : null;
  };
  const variantsOf = (word) => {
    const forms = [];
    if (word.romaji !== undefined) {
      const spelled = [word.romaji, ...(word.suffix || []).map((r) => word.romaji + r)];
      for (const form of spelled) forms.push(form, foldRomaji(form));
    } else {
      forms.push(word.plain.join(''));
      const last = word.plain[word.plain.length - 1], stem = word.plain.slice(0, -1);
      const kana = stem.every((c) => (c.codePointAt(0) >= 0x3041 && c.codePointAt(0) <= 0x3096) || c === 'ー');
      if (stem.length >= 2 && kana && KANJI_SUFFIXES.has(last)) for (const r of KANJI_SUFFIXES.get(last)) forms.push(stem.join('') + r);
    }
    const out = [];
    for (const form of forms) {
      const chars = Array.from(form);
      if (chars.length >= 2 && !out.some((o) => sameChars(o, chars))) out.push(chars);
    }
    return out;
  };
  // The query read (src/search/query.rs, parse): terms of variants, and a prefecture named in front.
  const parse = (meta, query) => {
    const words = [];
    let prefecture = null;
    for (const word of normalize(query).chars.join('').split(/\s+/u).filter((w) => w)) {
      if (/^[\x00-\x7f]*$/.test(word)) {
        const previous = words[words.length - 1];
        if (SUFFIXES.has(word) && previous && previous.romaji !== undefined && !previous.suffix) {
          previous.suffix = SUFFIXES.get(word);
          continue;
        }
        const k = word.lastIndexOf('-');
        if (k >= 0 && SUFFIXES.has(word.slice(k + 1))) {
          words.push({ romaji: word.slice(0, k).replace(/-+$/, '').replace(/-/g, ''), suffix: SUFFIXES.get(word.slice(k + 1)) });
        } else {
          words.push({ romaji: word, suffix: null });
        }
        continue;
      }
      let rest = Array.from(word);
      const pref = prefectureInFront(meta, rest);
      if (pref) { prefecture = pref[0]; rest = rest.slice(pref[1]); }
      const place = cityInFront(rest);
      if (place !== null) { words.push({ plain: rest.slice(0, place) }); rest = rest.slice(place); }
      words.push({ plain: rest });
    }
    return { terms: words.map(variantsOf).filter((v) => v.length), prefecture };
  };
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
  // The lines that are a document's names and place: title; names (places); prefecture and wards (municipalities).
  const headLines = (kind) => (kind <= 1 ? 2 : kind === 2 ? 3 : 1);
  const BREAKS = '、。，．！？」』）';
  // Where a snippet cut at start should begin: the first word or sentence boundary, else after a romaji word.
  const boundary = (text, start, first) => {
    const afterBreak = (i) => i === 0 || isSpace(text[i - 1]) || BREAKS.includes(text[i - 1]);
    for (let i = start; i <= first; i++) if (afterBreak(i)) return i;
    const alnum = (c) => /^[0-9A-Za-z]$/.test(c);
    let i = start;
    while (i < first && alnum(text[i]) && alnum(text[i - 1])) i++;
    return i;
  };
  const snippet = (textValue, queryTerms, head) => {
    const original = Array.from(textValue);
    const { chars, origin } = normalize(textValue);
    const endOf = (k) => (k + 1 < origin.length ? (origin[k + 1] > origin[k] ? origin[k + 1] : origin[k] + 1) : original.length);
    const marks = [];
    for (const variant of queryTerms.flat()) {
      for (const start of findAll(chars, variant)) marks.push([origin[start], endOf(start + variant.length - 1)]);
    }
    marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const lineStarts = [0];
    original.forEach((c, i) => { if (c === '\n') lineStarts.push(i + 1); });
    const headEnd = head < lineStarts.length ? lineStarts[head] : original.length;
    const titleEnd = lineStarts.length > 1 ? lineStarts[1] : original.length;
    const firstMark = marks.find((m) => m[0] >= headEnd) || marks.find((m) => m[0] >= titleEnd) || marks[0];
    const first = firstMark ? firstMark[0] : 0;
    const lineStart = Math.max(...lineStarts.filter((s) => s <= first));
    const start = boundary(original, Math.max(first - BEFORE, lineStart, 0), first);
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

  // Base-64 VLQ (src/search/rank.rs): five bits a digit, lowest first, 32 on all digits but a value's last.
  const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const readVlq = (text) => {
    const out = [];
    let value = 0, scale = 1;
    for (const c of text) {
      const digit = DIGITS.indexOf(c);
      if (digit < 0) throw new Error(`not an index: ${c}`);
      value += (digit & 31) * scale;
      if (digit & 32) scale *= 32;
      else { out.push(value); value = 0; scale = 1; }
    }
    return out;
  };
  // Rank hints (rank.rs): 15 a name is the bigram; 14, 13, 12 a name of 3, 4, 5+ characters starts
  // with it; 11 the names contain it; else how often the text has it (up to 10).
  const rankOfHint = (h) => (h === 15 ? 400 : h >= 12 ? 300 : h === 11 ? 100 : h);
  // The most that a term of `len` characters can rank in a page, by the hints of its looked-up bigrams.
  const bound = (hints, len) => {
    if (!hints.length) return 0;
    if (hints.length === 1 && len <= 2) return rankOfHint(hints[0]);
    if (hints.every((h) => h >= 11)) {
      if (hints[0] === 11) return 100;
      return 2 + 15 - hints[0] <= len ? 400 : 300;
    }
    return Math.min(...hints.filter((h) => h < 11));
  };
  // One bigram's postings: [document id, hint], from delta × 16 + hint.
  const postings = async (meta, bigram) => {
    const shard = await fetchJson(`b/${shardOf(bigram, meta.shards)}.json`);
    let last = 0;
    return readVlq(shard[bigram] || '').map((v) => { last += Math.floor(v / 16); return [last, v % 16]; });
  };
  // How many bigrams each variant looks up (query.rs, per_variant): 12 a query, one a variant at least.
  const perVariant = (q) => Math.min(Math.max(Math.floor(LOOKED_UP_PER_QUERY / Math.max(q.terms.flat().length, 1)), 1), LOOKED_UP);
  // The bigrams of a term looked up (query.rs, looked_up): all, or `most` of them spread evenly.
  const lookedUp = (term, most) => {
    const all = bigrams(term);
    most = Math.min(Math.max(most, 1), LOOKED_UP);
    if (all.length <= most) return all;
    const last = all.length - 1;
    return Array.from({ length: most }, (_, i) => all[Math.floor((i * last) / Math.max(most - 1, 1))]);
  };
  // The documents that have the looked-up bigrams of a term: [id, bound].
  const withAllBigrams = async (meta, term, most) => {
    let result = null;
    for (const bigram of lookedUp(term, most)) {
      const list = await postings(meta, bigram);
      if (result === null) result = list.map(([id, hint]) => [id, [hint]]);
      else {
        const hintOf = new Map(list);
        result = result.filter(([id]) => hintOf.has(id));
        for (const [id, hints] of result) hints.push(hintOf.get(id));
      }
      if (!result.length) break; // no need to download the other shards
    }
    return (result || []).map(([id, hints]) => [id, bound(hints, term.length)]);
  };
  // A document's group holds its entry ([url, title, kind, [prefecture…], language?]) and its text.
  // An index in another language than the site's default reads the groups without a translated
  // page from the default language's folder (meta.shared_texts, src/search/mod.rs SharedTexts),
  // where the language mark is relative to that language.
  const sharedGroup = (meta, n) => meta.shared_texts && !meta.shared_texts.own.some(([start, end]) => start <= n && n < end);
  const groupFile = (meta, n) => (sharedGroup(meta, n) ? meta.shared_texts.at : '') + `t/${n}.json`;
  const group = (meta, id) => fetchJson(groupFile(meta, Math.floor(id / meta.text_group)));
  const docEntry = async (meta, id) => {
    const entry = (await group(meta, id)).docs[id % meta.text_group];
    if (!sharedGroup(meta, Math.floor(id / meta.text_group))) return entry;
    const lang = entry[4] || meta.shared_texts.lang;
    return lang === meta.shared_texts.index_lang ? entry.slice(0, 4) : [...entry.slice(0, 4), lang];
  };
  const docText = async (meta, id) => (await group(meta, id)).texts[id % meta.text_group];
  // A document's kind by the kinds' ranges of meta.json (documents are in the kinds' order).
  const kindOf = (meta, id) => meta.kind_starts.findIndex((start, k) => start <= id && id < meta.kind_starts[k + 1]);

  // The 異体字 table of meta.json: variant, standard, variant, standard, …
  const loadVariants = (meta) => {
    if (!variants.size) for (let i = 0, v = Array.from(meta.variants); i + 1 < v.length; i += 2) variants.set(v[i], v[i + 1]);
  };

  // The candidates that the filters keep, [bound, id], best bound first (query.rs, candidates).
  const candidates = async (meta, q, kind, pref) => {
    let bounds = null;
    const most = perVariant(q);
    for (const variantsOfTerm of q.terms) {
      const term = new Map();
      for (const v of variantsOfTerm) for (const [id, b] of await withAllBigrams(meta, v, most)) term.set(id, Math.max(term.get(id) ?? 0, b));
      if (bounds === null) bounds = term;
      else {
        const next = new Map();
        for (const [id, b] of bounds) if (term.has(id)) next.set(id, b + term.get(id));
        bounds = next;
      }
      if (!bounds.size) break; // no need to download the other terms' shards
    }
    bounds = bounds || new Map();
    const prefs = bounds.size && (q.prefecture !== null || pref !== null) ? await fetchJson('p.json') : null;
    const prefsOf = (id) => readVlq(prefs[id]);
    const out = [];
    for (const [id, b] of bounds) {
      if (kind !== null && kindOf(meta, id) !== kind) continue;
      if (pref !== null && !prefsOf(id).includes(pref)) continue;
      const named = q.prefecture !== null && prefsOf(id).includes(q.prefecture);
      out.push([b + (named ? IN_PREFECTURE : 0), id]);
    }
    return out.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  };

  // A query's results, found `count` at a time (query.rs, first): the candidates' texts are looked
  // at in the order of their bounds, a batch at a time (downloaded together), until the first
  // `count` results are ahead of the next candidate's bound. `take(count)` gives the first `count`.
  async function start(query, kind, pref) {
    const meta = await fetchJson('meta.json');
    loadVariants(meta);
    const q = parse(meta, query);
    const cands = q.terms.length ? await candidates(meta, q, kind, pref) : [];
    // The two pages of a special ward are one result, the other page as `also`.
    const partner = (id) => {
      for (const [w, m] of meta.pairs) { if (w === id) return m; if (m === id) return w; }
      return null;
    };
    const shown = (scoredList) => {
      const seen = new Set(), out = [];
      for (const [, id] of scoredList) {
        const also = partner(id);
        if (also !== null && seen.has(also)) continue;
        seen.add(id);
        out.push([id, also]);
      }
      return out;
    };
    const scored = [];
    let next = 0;
    const settled = (count) => {
      if (next >= cands.length) return true;
      const [b, nextId] = cands[next];
      let ahead = 0;
      while (ahead < scored.length && (scored[ahead][0] > b || (scored[ahead][0] === b && scored[ahead][1] < nextId))) ahead++;
      return shown(scored.slice(0, ahead)).length >= count;
    };
    const take = async (count) => {
      while (!settled(count)) {
        const batch = cands.slice(next, next + Math.max(1, count - shown(scored).length));
        await Promise.all(batch.map(([, id]) => group(meta, id)));
        for (const [, id] of batch) {
          const [, , docKind, prefs] = await docEntry(meta, id);
          const score = scoreOf(await docText(meta, id), docKind, prefs, q.terms, q.prefecture);
          if (score !== null) scored.push([score, id]);
        }
        next = Math.min(next + batch.length, cands.length);
        scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      }
      const all = shown(scored);
      const hits = [];
      for (const [id, also] of all.slice(0, count)) {
        const doc = await docEntry(meta, id);
        const alsoDoc = also === null ? null : await docEntry(meta, also);
        hits.push({ id, doc, also, alsoDoc, snippet: snippet(await docText(meta, id), q.terms, headLines(doc[2])) });
      }
      return { meta, hits, more: next < cands.length || all.length > count, queryTerms: q.terms };
    };
    return { take, queryTerms: q.terms };
  }

  // How well a document answers the query (query.rs, score), null if its text lacks a term.
  const scoreOf = (body, docKind, prefs, queryTerms, prefecture) => {
    const { chars } = normalize(body);
    // What the page is called: its title, and for places (kinds 0–2) also their line of names.
    const name = normalize(body.split('\n').slice(0, docKind <= 2 ? 2 : 1).join('\n')).chars;
    const titleEnd = name.indexOf('\n') < 0 ? name.length : name.indexOf('\n');
    const title = name.slice(0, titleEnd);
    const words = [];
    let word = [];
    for (const c of name) {
      if (isSpace(c)) { if (word.length) words.push(word); word = []; } else word.push(c);
    }
    if (word.length) words.push(word);
    let score = 0;
    for (const variantsOfTerm of queryTerms) {
      let best = null;
      for (const v of variantsOfTerm) {
        const count = findAll(chars, v).length;
        if (!count) continue;
        // Pages named by the term come first, in index order; others by how often they use it.
        let rank;
        if (sameChars(title, v) || words.some((w) => sameChars(w, v))) rank = 400;
        else if ((title.length >= v.length && startsWith(title, v)) || words.some((w) => w.length >= v.length && startsWith(w, v))) rank = 300;
        else if (findAll(name, v).length) rank = 100;
        else rank = Math.min(count, 10);
        if (best === null || rank > best) best = rank;
      }
      if (best === null) return null;
      score += best;
    }
    if (prefecture !== null && prefs.includes(prefecture)) score += IN_PREFECTURE;
    return score;
  };

  // For tests: the browser test compares this with the Rust implementation on the same index
  // (query::first), and the files it downloads with what Rust says it does.
  window.renkeiSearch = async (query, kind, pref, count = PAGE) => (await start(query, kind, pref)).take(count);
  window.renkeiDownloads = () => [...cache.keys()];
  window.renkeiForget = () => cache.clear();
  window.renkeiNormalize = async (texts) => {
    loadVariants(await fetchJson('meta.json'));
    return texts.map((t) => normalize(t).chars.join(''));
  };

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

  // A link to the other page of a special ward: 「自治体のページ：千代田区」.
  const alsoLink = (meta, doc) => {
    const [url, title, docKind, , docLang] = doc;
    const label = text('also').replace('{kind}', meta.kinds[docKind][1]).replace('{title}', title);
    return `<p class="search-hit-also"><a href="${escapeHtml(url)}"${docLang ? ` hreflang="${escapeHtml(docLang)}" lang="${escapeHtml(docLang)}"` : ''}>${escapeHtml(label)}</a></p>`;
  };

  const render = (meta, hit) => {
    const [url, title, docKind, prefs, docLang] = hit.doc;
    const li = document.createElement('li');
    li.className = 'search-hit';
    const places = prefs.map((p) => meta.prefectures[p][1]).join('・');
    li.innerHTML = `<h2 class="search-hit-title"><a href="${escapeHtml(url)}"${docLang ? ` hreflang="${escapeHtml(docLang)}" lang="${escapeHtml(docLang)}"` : ''}>${escapeHtml(title)}</a></h2>`
      + `<p class="search-hit-meta"><span class="badge">${escapeHtml(meta.kinds[docKind][1])}</span>${places ? `<span class="search-hit-place">${escapeHtml(places)}</span>` : ''}</p>`
      + `<p class="search-hit-snippet">${hit.snippet}</p>`
      + (hit.alsoDoc ? alsoLink(meta, hit.alsoDoc) : '');
    return li;
  };

  let latest = 0;
  // The query being shown: its searcher and how many of its results are on the page.
  let current = null;
  // Shows the results up to `count` (those already shown stay), and the button for more.
  const show = async (ticket, count) => {
    const { meta, hits, more } = await current.searcher.take(count);
    if (ticket !== latest) return; // a newer query is running
    for (const hit of hits.slice(current.shown)) list.append(render(meta, hit));
    current.shown = hits.length;
    status.textContent = !hits.length ? text('none') : (more ? text('shown') : text('count')).replace('{n}', hits.length);
    if (moreButton) moreButton.hidden = !more;
  };
  async function run() {
    clearTimeout(timer);
    const ticket = ++latest;
    const query = input.value.trim();
    const params = new URLSearchParams({ q: query });
    if (kindSelect && kindSelect.value) params.set('kind', kindSelect.value);
    if (prefSelect && prefSelect.value) params.set('pref', prefSelect.value);
    history.replaceState(null, '', `${location.pathname}?${params}`);
    list.replaceChildren();
    if (moreButton) moreButton.hidden = true;
    current = null;
    if (!query) { status.textContent = ''; return; }
    status.textContent = text('searching');
    try {
      const meta = await fetchJson('meta.json');
      const kind = kindSelect && kindSelect.value ? meta.kinds.findIndex(([k]) => k === kindSelect.value) : null;
      const pref = prefSelect && prefSelect.value ? meta.prefectures.findIndex(([id]) => id === prefSelect.value) : null;
      const searcher = await start(query, kind, pref);
      if (ticket !== latest) return;
      if (!searcher.queryTerms.length) { status.textContent = text('tooShort'); return; }
      current = { searcher, shown: 0 };
      await show(ticket, PAGE);
    } catch (error) {
      status.textContent = text('failed');
      console.warn(error);
    }
  }
  // The next ten results, below those shown; the focus moves to the first of them.
  async function more() {
    if (!current) return;
    const ticket = latest, before = current.shown;
    status.textContent = text('searching');
    try {
      await show(ticket, current.shown + PAGE);
      list.children[before]?.querySelector('a')?.focus();
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
  if (moreButton) moreButton.addEventListener('click', more);
  for (const select of [kindSelect, prefSelect]) if (select) select.addEventListener('change', run);
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 250); });
  if (params.get('q')) {
    input.value = params.get('q');
    fetchJson('meta.json').then((meta) => { fillFilters(meta, params); run(); }).catch(() => {});
  }
})();
