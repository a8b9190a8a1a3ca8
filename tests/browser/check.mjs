// Checks a built site in a real browser: every page kind, in Japanese and (where the language
// switch leads) in English, is loaded in headless Chromium and must pass axe-core (WCAG 2.1
// A/AA), have one h1 and a lang, start with a working skip link, and at 320, 360, 375 and 1280 px
// and at 200 % zoom (640 px zoomed to 320 CSS px): not scroll sideways, cut no text off, keep the
// header to a quarter of the window's height, scroll sideways inside the main content only in
// keyboard-focusable, named regions that say they scroll, and draw the map's labels at 12 CSS px
// or more. The phone's menu opens without script (and by keyboard); the language switch is on
// every page in the same place and leads to a page in the other language. Tap targets are 24 × 24
// px or more (WCAG 2.5.8); pages print without navigation and with link URLs; Japanese text has
// the theme's typography; the stylesheet is fingerprinted; nothing is logged as an error. The
// widths, zoom and header are checked again in a second Chromium that has only the fonts of a
// fresh Debian (DejaVu, Liberation: no CJK font), so that no font's width can push the layout
// sideways. Screenshots at 375 px and 1280 px, and PDFs of the printed event and municipality
// pages, go to SHOTS.
//
// usage: node check.mjs PUBLIC_DIR SHOTS_DIR
import { readFile, mkdir, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const [publicDir, shotsDir] = process.argv.slice(2);
if (!publicDir || !shotsDir) {
  console.error('usage: node check.mjs PUBLIC_DIR SHOTS_DIR');
  process.exit(2);
}
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Things measured inside the page (run with page.evaluate).

// Elements whose text is cut off or pushed out of view: a box that clips its overflowing
// content, or content beyond the right edge of the viewport that no scrolling box holds.
// Scrolling boxes (wide data tables, code) are allowed by WCAG 1.4.10; visually hidden text
// (.vh, .ext-hint) and the skip link (off screen until focused) are meant to be out of view.
function clippedText() {
  const hidden = (el) => el.closest('.vh, .ext-hint, .skip, [hidden]') || getComputedStyle(el).visibility === 'hidden';
  const scrolls = (el) => { for (let a = el.parentElement; a; a = a.parentElement) { const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (hidden(el) || !el.textContent.trim() || el.closest('svg')) continue;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    const clips = (style.overflowX === 'hidden' || style.overflowX === 'clip') && el.scrollWidth > el.clientWidth + 1;
    const beyond = rect.right > width + 1 && !scrolls(el);
    if (clips || beyond) out.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} "${el.textContent.trim().slice(0, 30)}" (${Math.round(rect.left)}–${Math.round(rect.right)} px of ${width})`);
  }
  return out.slice(0, 5);
}

// Tap targets smaller than 24 × 24 CSS px that none of WCAG 2.5.8's exceptions covers: a link
// inside a sentence (its line holds other text), or one whose 24 px circle around its centre
// touches no other target (spacing).
function smallTargets() {
  const targets = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')]
    .filter((el) => !el.closest('.vh, [hidden], .skip') && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
  const boxes = targets.map((el) => el.getBoundingClientRect());
  // Text of the block that is not itself a target: a link among words is "inline".
  const plainText = (block) => {
    let n = 0;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) if (!t.parentElement.closest('a, button')) n += t.textContent.replace(/\s+/g, '').length;
    return n;
  };
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement.closest('p, li, dd, dt, td, th, figcaption, blockquote, div');
    return Boolean(block) && plainText(block) > 0;
  };
  const distance = (x, y, r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const out = [];
  targets.forEach((el, i) => {
    const box = boxes[i];
    if (box.width >= 24 && box.height >= 24) return;
    if (inSentence(el)) return;
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const crowded = boxes.some((other, j) => {
      if (j === i || targets[j].contains(el) || el.contains(targets[j])) return false;
      const small = other.width < 24 || other.height < 24;
      // The other target itself, or (when it is small too) its own 24 px circle.
      return distance(x, y, other) < 12 || (small && Math.hypot(x - (other.left + other.width / 2), y - (other.top + other.height / 2)) < 24);
    });
    if (crowded) out.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)} px`);
  });
  return out.slice(0, 8);
}

// Boxes in the main content that scroll sideways, and what is wrong with each: it must be
// reachable by keyboard (tabindex, axe's scrollable-region-focusable), be a named region, and
// say that it scrolls (a visible .scroll-hint inside it or named by aria-describedby).
function badScrollers() {
  const out = [];
  for (const el of document.querySelectorAll('main *')) {
    const o = getComputedStyle(el).overflowX;
    if (!(o === 'auto' || o === 'scroll') || el.scrollWidth <= el.clientWidth + 1) continue;
    const hints = [...el.querySelectorAll('.scroll-hint'), ...(el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)).filter(Boolean)];
    const problems = [];
    if (el.tabIndex < 0) problems.push('not focusable');
    if (el.getAttribute('role') !== 'region' || !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))) problems.push('not a named region');
    if (!hints.some((h) => h.getClientRects().length && getComputedStyle(h).visibility !== 'hidden')) problems.push('does not say that it scrolls');
    if (problems.length) out.push(`${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth} px in ${el.clientWidth}): ${problems.join(', ')}`);
  }
  return out.slice(0, 5);
}

// The height of the site's header (closed menu), and the window's.
function headerHeight() {
  const header = document.querySelector('.site-header');
  return { header: Math.round(header?.getBoundingClientRect().height ?? 0), window: window.innerHeight };
}

// Map labels drawn smaller than 12 CSS px: a text's font size in SVG units times the scale at
// which the SVG is drawn.
function smallMapLabels() {
  const out = [];
  for (const svg of document.querySelectorAll('svg.map-svg')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      if (!text.getClientRects().length || getComputedStyle(text).display === 'none') continue;
      const size = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (size < 11.95) out.push(`"${text.textContent}" ${size.toFixed(1)} px`);
    }
  }
  return out.slice(0, 5);
}

// The language switch: where it is and where it leads.
function languageSwitch() {
  const link = document.querySelector('.site-header .lang-switch a[hreflang]');
  if (!link) return null;
  const r = link.getBoundingClientRect();
  return { href: link.getAttribute('href'), lang: link.getAttribute('hreflang'), left: Math.round(r.left), top: Math.round(r.top) };
}

// Opens the phone's menu as a user would, without script: its button is a <summary>.
async function menuOpens(page) {
  const summary = page.locator('.site-header details.menu > summary');
  if (!(await summary.isVisible())) return 'no menu button';
  await summary.focus();
  await page.keyboard.press('Enter');
  const state = await page.evaluate(() => {
    const menu = document.querySelector('.site-header details.menu');
    const links = [...menu.querySelectorAll('nav a')];
    const width = document.documentElement.clientWidth;
    const shown = links.filter((a) => { const r = a.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= width + 1; });
    return { open: menu.open, links: links.length, shown: shown.length, label: menu.querySelector('nav').getAttribute('aria-label') };
  });
  await page.keyboard.press('Enter');
  if (!state.open) return 'Enter on the menu button does not open it';
  if (!state.links || state.shown !== state.links) return `${state.shown} of ${state.links} menu links shown`;
  if (!state.label) return 'the menu has no name';
  return null;
}

// Only the fonts of a fresh Debian (DejaVu, Liberation), through fontconfig.
async function fallbackFonts() {
  const dir = await mkdtemp(join(tmpdir(), 'renkei-fonts-'));
  const file = join(dir, 'fonts.conf');
  await writeFile(file, `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <dir>/usr/share/fonts/truetype/liberation</dir>
  <cachedir>${dir}/cache</cachedir>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
</fontconfig>
`);
  return file;
}

// One page of each kind; items are found by following the first link of their list.
const PAGES = [
  ['home', '/'],
  ['ward-list', '/wards/'],
  ['ward', '/wards/arakawa/'],
  ['prefecture-list', '/prefectures/'],
  ['prefecture', '/prefectures/hokkaido/'],
  ['municipality-list', '/municipalities/'],
  ['municipality', '/municipalities/012068/'],
  ['municipality-districts', '/municipalities/221309/'],
  ['event-list', '/events/'],
  ['event-category', '/events/category/tourism/'],
  ['event', { from: '/events/', link: '.card-title a' }],
  ['exhibit-list', '/exhibits/'],
  ['exhibit', { from: '/exhibits/', link: '.card-title a' }],
  ['news-list', '/news/'],
  ['news', { from: '/news/', link: '.card-title a' }],
  ['facility-list', '/facilities/'],
  ['facility', { from: '/facilities/', link: '.card-title a' }],
  ['agreement-list', '/agreements/'],
  ['agreement', { from: '/agreements/', link: '.card-title a' }],
  ['meeting-list', '/meetings/'],
  ['meeting', '/meetings/kyoto-suishin-iinkai-2016/'],
  ['supported-event', '/events/shintora-rokkonsai-2016/'],
  ['plan', '/plan/'],
  ['plan-en', '/en/plan/'],
  ['page', '/about/'],
  ['member-list', '/members/'],
  ['partner-list', '/partners/'],
  ['partner', { from: '/partners/', link: '.card-title a' }],
  ['registration', '/registration/'],
  ['data', '/data/'],
  ['search', '/search/?q=釧路'],
  ['home-en', '/en/'],
  ['ward-en', '/en/wards/chiyoda/'],
  ['data-en', '/en/data/'],
  ['member-list-en', '/en/members/'],
  ['partner-list-en', '/en/partners/'],
  ['registration-en', '/en/registration/'],
  ['search-en', '/en/search/?q=kushiro'],
  ['not-found', '/no-such-page/'],
];

// Phone windows (CSS px): the smallest, a common Android and a common iPhone; 375 comes last.
const PHONES = [[320, 568], [360, 800], [375, 812]];

// What must hold at any width: no sideways scrolling of the page, no text cut off, the header a
// quarter of the window or less, sideways scrolling in the main content only where allowed, map
// labels of 12 px or more.
async function layout(page) {
  const problems = [];
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 0) problems.push(`scrolls sideways by ${overflow}px`);
  for (const clipped of await page.evaluate(clippedText)) problems.push(`text cut off: ${clipped}`);
  const h = await page.evaluate(headerHeight);
  if (h.header > h.window / 4) problems.push(`the header is ${h.header} px tall, more than a quarter of ${h.window} px`);
  for (const scroller of await page.evaluate(badScrollers)) problems.push(`scrolls sideways in the content: ${scroller}`);
  for (const label of await page.evaluate(smallMapLabels)) problems.push(`map label under 12 px: ${label}`);
  return problems;
}

const server = await serve(publicDir);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
await mkdir(shotsDir, { recursive: true });
const failures = [];
const fail = (name, message) => failures.push(`${name}: ${message}`);
// Every page checked, by name: checked again with the fallback fonts.
const checked = new Map();

try {
  // The detectors find what they look for, so that a pass below is not a detector finding nothing.
  const probe = await browser.newPage({ viewport: { width: 320, height: 480 } });
  await probe.setContent(`<!DOCTYPE html><html lang="en"><body style="margin:0;font:16px/1.8 sans-serif"><main>
    <p>Words around <a href="#in">a link in a sentence</a>, which is exempt.</p>
    <p style="font:10px/1 sans-serif"><a href="#1">1</a><a href="#2">2</a></p>
    <p style="font:10px/1 sans-serif;margin-top:40px"><a href="#alone">alone, with space around it</a></p>
    <div style="overflow:hidden;width:100px;white-space:nowrap">clipped words that do not fit</div>
    <p style="width:500px">a paragraph wider than the window</p>
    <div style="overflow-x:auto"><table style="width:600px"><tr><td>a wide table that scrolls in its box</td></tr></table></div></main></body></html>`);
  const probed = { small: await probe.evaluate(smallTargets), clipped: await probe.evaluate(clippedText) };
  if (probed.small.length !== 2 || !probed.small.every((t) => /"[12]"/.test(t))) fail('detector', `small targets found in the probe: ${JSON.stringify(probed.small)} (expected the links 1 and 2)`);
  if (!probed.clipped.some((t) => t.includes('clipped words')) || !probed.clipped.some((t) => t.includes('wider than')) || probed.clipped.some((t) => t.includes('scrolls'))) fail('detector', `clipped text found in the probe: ${JSON.stringify(probed.clipped)}`);
  await probe.close();

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const zoomContext = await browser.newContext({ viewport: { width: 320, height: 480 }, deviceScaleFactor: 2 });
  const zoomed = await zoomContext.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));

  // Pages to check: PAGES, then the pages their language switches lead to.
  const queue = [];
  for (const [name, target] of PAGES) {
    let path = target;
    if (typeof target === 'object') {
      await page.goto(origin + target.from);
      path = await page.locator(target.link).first().getAttribute('href');
      if (!path) { fail(name, `no item linked from ${target.from}`); continue; }
    }
    queue.push([name, path]);
  }
  const switches = [];
  for (let i = 0; i < queue.length; i++) {
    const [name, path] = queue[i];
    if ([...checked.values()].includes(path)) continue;
    checked.set(name, path);
    errors.length = 0;
    await page.setViewportSize({ width: 1280, height: 900 });
    const response = await page.goto(origin + path);
    const expected = name === 'not-found' ? 404 : 200;
    if (response.status() !== expected) fail(name, `${path} answered ${response.status()}, expected ${expected}`);

    const facts = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      h1: document.querySelectorAll('h1').length,
      title: document.title,
      stylesheet: document.querySelector('link[rel=stylesheet]')?.getAttribute('href') ?? '',
      typography: (() => {
        const style = getComputedStyle(document.querySelector('main p') ?? document.body);
        return { lineBreak: style.lineBreak, wordBreak: style.wordBreak, lineHeight: parseFloat(style.lineHeight) / parseFloat(style.fontSize), fonts: style.fontFamily };
      })(),
    }));
    if (!facts.lang) fail(name, 'no lang on <html>');
    if (facts.h1 !== 1) fail(name, `${facts.h1} h1 elements`);
    if (!facts.title) fail(name, 'empty <title>');
    if (!/\/style\.[0-9a-f]{8}\.css$/.test(facts.stylesheet)) fail(name, `the stylesheet is not fingerprinted: ${facts.stylesheet}`);
    if (facts.lang === 'ja') {
      const t = facts.typography;
      if (t.lineBreak !== 'strict') fail(name, `line-break is ${t.lineBreak}, not strict (small kana and ー would start lines)`);
      if (t.wordBreak !== 'normal') fail(name, `word-break is ${t.wordBreak}: Japanese lines would break inside words or not at all`);
      if (t.lineHeight < 1.7) fail(name, `line height ${t.lineHeight.toFixed(2)} is tight for Japanese text`);
      for (const font of ['Hiragino Sans', 'BIZ UDPGothic', 'Noto Sans JP', 'Meiryo']) if (!t.fonts.includes(font)) fail(name, `the font stack lacks ${font}`);
    }

    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    if (focused !== '#main') fail(name, `the first Tab focuses ${focused}, not the skip link`);

    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    });
    for (const v of violations) fail(name, `axe ${v}`);
    // The screenshots show the page as it looks, not with the skip link focused by the Tab above.
    await page.evaluate(() => document.activeElement?.blur());
    await page.screenshot({ path: join(shotsDir, `${name}-1280.png`), fullPage: true });
    for (const problem of await layout(page)) fail(name, `at 1280 px: ${problem}`);
    const wide = await page.evaluate(languageSwitch);

    for (const [width, height] of PHONES) {
      await page.setViewportSize({ width, height });
      for (const problem of await layout(page)) fail(name, `at ${width} px: ${problem}`);
    }
    // (The last phone is 375 px wide.)
    await page.screenshot({ path: join(shotsDir, `${name}-375.png`), fullPage: true });
    for (const target of await page.evaluate(smallTargets)) fail(name, `tap target under 24 px at 375 px wide: ${target}`);
    const menu = await menuOpens(page);
    if (menu) fail(name, `the menu at 375 px: ${menu}`);
    if (name === 'home') {
      await page.locator('details.menu > summary').click();
      await page.screenshot({ path: join(shotsDir, 'home-375-menu.png') });
      await page.locator('details.menu > summary').click();
    }
    const narrow = await page.evaluate(languageSwitch);

    // The language switch: on every page, in the same place for each language, leading to a
    // page in the other language (which is checked in its turn).
    if (!narrow || !wide) fail(name, 'no language switch');
    else {
      switches.push({ name, lang: facts.lang, narrow, wide });
      const target = await page.request.get(origin + narrow.href);
      const html = await target.text();
      if (target.status() !== 200 || !html.includes(`<html lang="${narrow.lang}"`)) fail(name, `the language switch leads to ${narrow.href} (${target.status()}), not a page in ${narrow.lang}`);
      const other = queue.some(([n]) => n === `${name}-${narrow.lang}`) ? `${name}-${narrow.lang}-${queue.length}` : `${name}-${narrow.lang}`;
      if (!queue.some(([, p]) => p === narrow.href)) queue.push([other, narrow.href]);
    }

    // 200 % zoom on a 640 px window: the page lays out at 320 CSS px with twice the pixels.
    await zoomed.goto(origin + path);
    for (const problem of await layout(zoomed)) fail(name, `at 200 % zoom (320 CSS px): ${problem}`);

    // The 404 page's own status is logged by Chromium as a failed resource; that one is expected.
    for (const e of errors.filter((e) => !(name === 'not-found' && e.includes('404')))) fail(name, `console: ${e}`);
    console.log(`checked ${name} ${path}`);
  }
  for (const lang of new Set(switches.map((s) => s.lang))) {
    const same = switches.filter((s) => s.lang === lang);
    for (const key of ['narrow', 'wide']) {
      const first = same[0][key];
      for (const s of same) if (s[key].top !== first.top || Math.abs(s[key].left - first.left) > 1) fail(s.name, `the language switch moves (${key}): at ${s[key].left},${s[key].top} px, on ${same[0].name} at ${first.left},${first.top}`);
    }
  }

  // Search: a query typed into the header's box lands on /search/ and shows the expected results,
  // with the match highlighted; the filters narrow them; an absent word finds nothing.
  await page.setViewportSize({ width: 1280, height: 900 });
  errors.length = 0;
  const firstHit = async () => {
    await page.waitForSelector('#search-results .search-hit, #search-status:not(:empty)');
    await page.waitForFunction(() => !document.querySelector('#search-status').textContent.includes('…'));
    return page.evaluate(() => [...document.querySelectorAll('#search-results .search-hit')].map((li) => ({
      title: li.querySelector('.search-hit-title').textContent,
      kind: li.querySelector('.badge').textContent,
      mark: li.querySelector('mark')?.textContent ?? '',
    })));
  };
  await page.goto(origin + '/');
  await page.fill('#header-q', '釧路');
  await Promise.all([page.waitForURL(/\/search\/\?q=/), page.press('#header-q', 'Enter')]);
  let hits = await firstHit();
  if (hits[0]?.title !== '釧路市') fail('search', `釧路: first result is ${JSON.stringify(hits[0])}`);
  if (!hits.some((h) => h.title.includes('味覚市'))) fail('search', '釧路 does not find the 味覚市 event');
  if (hits[0]?.kind !== '自治体' || hits[0]?.mark !== '釧路') fail('search', `釧路: ${JSON.stringify(hits[0])}`);
  await page.selectOption('#search-kind', 'event');
  await page.waitForFunction(() => [...document.querySelectorAll('.search-hit .badge')].every((b) => b.textContent === 'イベント'));
  hits = await firstHit();
  if (!hits.length || !hits.every((h) => h.kind === 'イベント')) fail('search', `kind filter: ${JSON.stringify(hits)}`);
  await page.selectOption('#search-kind', '');
  for (const [query, expected] of [['kushiro', '釧路市'], ['くしろ', '釧路市'], ['区政会館', null], ['存在しない言葉', undefined]]) {
    await page.fill('#search-q', '');
    await page.fill('#search-q', query);
    await page.press('#search-q', 'Enter');
    await page.waitForFunction((q) => new URL(location.href).searchParams.get('q') === q, query);
    hits = await firstHit();
    if (expected === undefined && hits.length) fail('search', `${query} finds ${hits.length} results`);
    if (expected === null && !hits.length) fail('search', `${query} finds nothing`);
    if (expected && hits[0]?.title !== expected) fail('search', `${query}: first result ${JSON.stringify(hits[0])}`);
  }
  // search.js answers exactly as the Rust implementation (src/search/query.rs) on the same index,
  // and ranks the pages of the table of what citizens type (tests/data/search-queries.tsv) as told.
  if (process.env.SEARCH_EXPECTED) {
    const { answers, cases, normalized, filtered } = JSON.parse(await readFile(process.env.SEARCH_EXPECTED, 'utf8'));
    // One query from an empty cache: its first `count` results, whether more follow, and the files it downloaded.
    const ask = (args) => page.evaluate(async ([q, kind, pref, count]) => {
      window.renkeiForget();
      const { hits, more } = await window.renkeiSearch(q, kind, pref, count);
      return { hits: hits.map((h) => [h.id, h.snippet, h.also, h.doc[0]]), more, files: window.renkeiDownloads().sort() };
    }, args);
    const same = (js, rust) => JSON.stringify(js.hits.map(([id, snippet, also]) => [id, snippet, also])) === JSON.stringify(rust.hits)
      && js.more === rust.more && JSON.stringify(js.files) === JSON.stringify([...rust.files].sort());
    const differs = (what, js, rust) => `search.js and Rust differ for ${what}:\n  js:   ${JSON.stringify(js).slice(0, 600)}\n  rust: ${JSON.stringify(rust).slice(0, 600)}`;
    let total = 0, count = 0;
    for (const [lang, expected] of Object.entries(answers)) {
      await page.goto(origin + (lang === 'ja' ? '/search/' : `/${lang}/search/`));
      await page.waitForFunction(() => typeof window.renkeiSearch === 'function');
      if (lang === 'ja') {
        // The one normalisation: search.js gives what the Rust index gives, text for text.
        const js = await page.evaluate((texts) => window.renkeiNormalize(texts), normalized.map(([text]) => text));
        const differ = normalized.filter(([text, rust], i) => js[i] !== rust);
        for (const [text, rust] of differ.slice(0, 5)) fail('search', `normalisation differs for ${JSON.stringify(text.slice(0, 80))}: rust ${JSON.stringify(rust.slice(0, 80))}`);
        console.log(`search.js normalises ${normalized.length} texts as Rust does (${differ.length} differ)`);
      }
      const found = {};
      for (const [query, rust] of Object.entries(expected)) {
        found[query] = await ask([query, null, null, 10]);
        if (!same(found[query], rust)) fail('search', differs(`${lang} ${JSON.stringify(query)}`, found[query], rust));
        total += rust.hits.length;
        count += 1;
      }
      if (lang === 'ja') {
        // Filters and more results: the same results and the same downloads.
        for (const [query, kind, pref, n, rust] of filtered) {
          const js = await ask([query, kind, pref, n]);
          if (!same(js, rust)) fail('search', differs(`${JSON.stringify(query)} kind ${kind} prefecture ${pref}, ${n} results`, js, rust));
          count += 1;
        }
      }
      for (const [caseLang, query, url, rank] of cases) {
        if (caseLang !== lang) continue;
        const urls = found[query].hits.map((h) => h[3]);
        if (!urls.slice(0, rank).includes(url)) fail('search', `search.js: ${lang} ${JSON.stringify(query)} does not rank ${url} in the first ${rank}: ${JSON.stringify(urls.slice(0, 5))}`);
      }
    }
    console.log(`search.js answers as Rust does and downloads the same files: ${count} queries, ${total} results; ${cases.length} queries of the table rank their page as told`);
  }
  // A frequent word shows its first ten results and a button for ten more, which keeps them and
  // adds the next ten.
  await page.goto(origin + '/search/?q=' + encodeURIComponent('す。'));
  hits = await firstHit();
  const moreVisible = () => page.locator('#search-more').isVisible();
  if (hits.length !== 10 || !(await moreVisible())) fail('search', `す。: ${hits.length} results, more button ${await moreVisible()}`);
  const statusText = await page.textContent('#search-status');
  if (!statusText.includes('10')) fail('search', `す。: the status says ${statusText}`);
  await page.click('#search-more');
  await page.waitForFunction(() => document.querySelectorAll('#search-results .search-hit').length === 20);
  const after = await firstHit();
  if (JSON.stringify(after.slice(0, 10)) !== JSON.stringify(hits)) fail('search', 'more results change the first ten');
  const focused = await page.evaluate(() => document.activeElement?.closest('.search-hit') === document.querySelectorAll('#search-results .search-hit')[10]);
  if (!focused) fail('search', 'after "more", the focus is not on the first new result');
  // A name found by a handful of pages shows them all, without the button.
  await page.goto(origin + '/search/?q=' + encodeURIComponent('釧路町'));
  hits = await firstHit();
  if (!hits.length || hits.length >= 10 || (await moreVisible())) fail('search', `釧路町: ${hits.length} results, more button ${await moreVisible()}`);
  // A special ward is one result that links both of its pages, and the highlight adds no gap.
  await page.goto(origin + '/search/?q=' + encodeURIComponent('千代田区'));
  await page.waitForSelector('#search-results .search-hit');
  const ward = await page.evaluate(() => {
    const links = [...document.querySelectorAll('#search-results .search-hit')].flatMap((li) => [...li.querySelectorAll('a')].map((a) => new URL(a.href).pathname));
    const mark = document.querySelector('#search-results mark');
    const style = mark && getComputedStyle(mark);
    return { first: links.slice(0, 2), all: links, padding: style ? [style.paddingLeft, style.paddingRight, style.marginLeft, style.marginRight] : null };
  });
  if (JSON.stringify(ward.first) !== JSON.stringify(['/wards/chiyoda/', '/municipalities/131016/'])) fail('search', `千代田区: the first result does not link both pages: ${JSON.stringify(ward.first)}`);
  if (ward.all.filter((p) => p === '/municipalities/131016/').length !== 1) fail('search', `千代田区: its municipality page shows more than once: ${JSON.stringify(ward.all)}`);
  if (!ward.padding || ward.padding.some((v) => v !== '0px')) fail('search', `<mark> adds space around a match: ${JSON.stringify(ward.padding)}`);
  // In English: the header's box of an English page searches the English index.
  await page.goto(origin + '/en/');
  await page.fill('#header-q', 'Kushiro');
  await Promise.all([page.waitForURL(/\/en\/search\/\?q=/), page.press('#header-q', 'Enter')]);
  hits = await firstHit();
  if (hits[0]?.title !== 'Kushiro City' || hits[0]?.kind !== 'Municipality') fail('search-en', `Kushiro: ${JSON.stringify(hits[0])}`);
  await page.fill('#search-q', 'しべちゃ');
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'しべちゃ');
  hits = await firstHit();
  const untranslated = await page.evaluate(() => document.querySelector('.search-hit-title a')?.getAttribute('lang'));
  if (hits[0]?.title !== '標茶町' || untranslated !== 'ja') fail('search-en', `しべちゃ: ${JSON.stringify(hits[0])} lang=${untranslated}`);
  for (const e of errors) fail('search', `console: ${e}`);
  console.log('checked search');

  // Print: an event and a municipality page print without the site's navigation, search and
  // footer lists, show the addresses of external links, and keep tables within the paper.
  const printing = await browser.newContext({ viewport: { width: 718, height: 1000 } });
  const paper = await printing.newPage();
  for (const [name, target] of PAGES.filter(([n]) => n === 'event' || n === 'municipality' || n === 'ward')) {
    let path = target;
    if (typeof target === 'object') {
      await paper.goto(origin + target.from);
      path = await paper.locator(target.link).first().getAttribute('href');
    }
    await paper.goto(origin + path);
    await paper.emulateMedia({ media: 'print' });
    const printed = await paper.evaluate(() => {
      const shown = (selector) => [...document.querySelectorAll(selector)].filter((el) => el.getClientRects().length).map(() => selector);
      const ext = document.querySelector('main a.ext:not(.ext-self)');
      return {
        clutter: ['.skip', '.primary-nav', '.header-search', '.lang-switch', '.breadcrumbs', '.footer-navs', '.toc', '.pager'].flatMap(shown),
        url: ext ? getComputedStyle(ext, '::after').content : null,
        href: ext?.getAttribute('href'),
        wide: [...document.querySelectorAll('main table')].filter((t) => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((t) => t.querySelector('caption')?.textContent ?? 'a table'),
      };
    });
    for (const c of printed.clutter) fail(`print ${name}`, `${c} is printed`);
    if (printed.href && !printed.url?.includes(printed.href)) fail(`print ${name}`, `the external link ${printed.href} prints without its address (${printed.url})`);
    for (const t of printed.wide) fail(`print ${name}`, `the table "${t}" is wider than the paper`);
    await paper.pdf({ path: join(shotsDir, `${name}-print.pdf`), format: 'A4', margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' } });
    await paper.emulateMedia({ media: 'screen' });
    console.log(`checked print ${name} ${path}`);
  }

  // Without JavaScript, every page still shows its content.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(origin + '/wards/arakawa/');
  const rows = await plain.locator('main .relations li').count();
  if (rows === 0) fail('no-js', 'the ward page shows no partners without JavaScript');
  await plain.goto(origin + '/search/?q=釧路');
  if (!(await plain.locator('.search-needs-js').isVisible())) fail('no-js', 'the search page does not say that it needs JavaScript');
  // The phone's menu opens without script, by keyboard and by a tap.
  await plain.setViewportSize({ width: 375, height: 812 });
  for (const path of ['/', '/prefectures/hokkaido/', '/en/']) {
    await plain.goto(origin + path);
    const problem = await menuOpens(plain);
    if (problem) fail('no-js', `${path}: ${problem}`);
    await plain.locator('details.menu > summary').click();
    if (!(await plain.locator('details.menu nav a').first().isVisible())) fail('no-js', `${path}: a tap does not open the menu`);
  }
  // A prefecture's long lists of municipalities fold away, and open.
  await plain.goto(origin + '/prefectures/hokkaido/');
  const folds = plain.locator('main details.fold');
  if ((await folds.count()) < 2) fail('no-js', '北海道: the municipalities are not in lists by kind');
  else {
    if (await folds.first().locator('.tiles a').first().isVisible()) fail('no-js', '北海道: the list of 179 municipalities does not fold');
    await folds.first().locator('summary').click();
    if (!(await folds.first().locator('.tiles a').first().isVisible())) fail('no-js', '北海道: the folded list does not open');
  }
  console.log('checked no-js');
} finally {
  await browser.close();
}

// The same widths and zoom with only the fonts of a fresh Debian (no CJK font): the layout must
// not depend on the font's width.
const fontsConf = await fallbackFonts();
const bare = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  env: { ...process.env, FONTCONFIG_FILE: fontsConf },
});
try {
  const context = await bare.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const zoomContext = await bare.newContext({ viewport: { width: 320, height: 480 }, deviceScaleFactor: 2 });
  const zoomed = await zoomContext.newPage();
  await page.goto(origin + '/');
  // The Noto CJK fonts are really absent: text asked in them falls back to the default font.
  const noto = await page.evaluate(() => {
    const c = document.createElement('canvas').getContext('2d');
    const width = (font) => { c.font = font; return c.measureText('Renkei 特別区 0123').width; };
    return width('16px "Noto Sans CJK JP", monospace') !== width('16px monospace');
  });
  if (noto) fail('fonts', 'the fallback-font browser still has Noto Sans CJK JP');
  for (const [name, path] of checked) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(origin + path);
    for (const problem of await layout(page)) fail(`${name} (fallback fonts)`, `at 1280 px: ${problem}`);
    for (const [width, height] of PHONES) {
      await page.setViewportSize({ width, height });
      for (const problem of await layout(page)) fail(`${name} (fallback fonts)`, `at ${width} px: ${problem}`);
    }
    if (['home', 'home-en', 'ward', 'prefecture', 'event'].includes(name)) await page.screenshot({ path: join(shotsDir, `${name}-375-fallback-fonts.png`), fullPage: true });
    await zoomed.goto(origin + path);
    for (const problem of await layout(zoomed)) fail(`${name} (fallback fonts)`, `at 200 % zoom (320 CSS px): ${problem}`);
  }
  console.log(`checked ${checked.size} pages with the fallback fonts`);
} finally {
  await bare.close();
  server.close();
}

if (failures.length) {
  console.error(`${failures.length} problems:\n` + failures.join('\n'));
  process.exit(1);
}
console.log(`all ${PAGES.length} page kinds pass`);
