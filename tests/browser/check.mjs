// Checks a built site in a real browser: every page kind is loaded in headless Chromium and must
// pass axe-core (WCAG 2.1 A/AA), have one h1 and a lang, start with a working skip link, not
// scroll sideways at 360 px, and log no errors. Screenshots at 375 px and 1280 px go to SHOTS.
//
// usage: node check.mjs PUBLIC_DIR SHOTS_DIR
import { readFile, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [publicDir, shotsDir] = process.argv.slice(2);
if (!publicDir || !shotsDir) {
  console.error('usage: node check.mjs PUBLIC_DIR SHOTS_DIR');
  process.exit(2);
}
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.js': 'text/javascript' };

// A static server like any host: index.html for folders, the site's 404.html for the rest.
async function serve(root) {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    let file = join(root, path);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404, { 'content-type': TYPES['.html'] });
      response.end(await readFile(join(root, '404.html')));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
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
  ['page', '/about/'],
  ['data', '/data/'],
  ['search', '/search/?q=釧路'],
  ['home-en', '/en/'],
  ['ward-en', '/en/wards/chiyoda/'],
  ['data-en', '/en/data/'],
  ['search-en', '/en/search/?q=kushiro'],
  ['not-found', '/no-such-page/'],
];

const server = await serve(publicDir);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
await mkdir(shotsDir, { recursive: true });
const failures = [];
const fail = (name, message) => failures.push(`${name}: ${message}`);

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));

  for (const [name, target] of PAGES) {
    let path = target;
    if (typeof target === 'object') {
      await page.goto(origin + target.from);
      path = await page.locator(target.link).first().getAttribute('href');
      if (!path) { fail(name, `no item linked from ${target.from}`); continue; }
    }
    errors.length = 0;
    await page.setViewportSize({ width: 1280, height: 900 });
    const response = await page.goto(origin + path);
    const expected = name === 'not-found' ? 404 : 200;
    if (response.status() !== expected) fail(name, `${path} answered ${response.status()}, expected ${expected}`);

    const facts = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      h1: document.querySelectorAll('h1').length,
      title: document.title,
    }));
    if (!facts.lang) fail(name, 'no lang on <html>');
    if (facts.h1 !== 1) fail(name, `${facts.h1} h1 elements`);
    if (!facts.title) fail(name, 'empty <title>');

    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    if (focused !== '#main') fail(name, `the first Tab focuses ${focused}, not the skip link`);

    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    });
    for (const v of violations) fail(name, `axe ${v}`);
    await page.screenshot({ path: join(shotsDir, `${name}-1280.png`), fullPage: true });

    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) fail(name, `scrolls sideways by ${overflow}px at 360px wide`);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: join(shotsDir, `${name}-375.png`), fullPage: true });

    // The 404 page's own status is logged by Chromium as a failed resource; that one is expected.
    for (const e of errors.filter((e) => !(name === 'not-found' && e.includes('404')))) fail(name, `console: ${e}`);
    console.log(`checked ${name} ${path}`);
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
  // search.js answers exactly as the Rust implementation (src/search/query.rs) on the same index.
  if (process.env.SEARCH_EXPECTED) {
    const expected = JSON.parse(await readFile(process.env.SEARCH_EXPECTED, 'utf8'));
    for (const [query, hitsRust] of Object.entries(expected)) {
      const hitsJs = await page.evaluate(async (q) => (await window.renkeiSearch(q, null, null)).hits.map((h) => [h.id, h.snippet]), query);
      if (JSON.stringify(hitsJs) !== JSON.stringify(hitsRust)) {
        fail('search', `search.js and Rust differ for ${JSON.stringify(query)}:\n  js:   ${JSON.stringify(hitsJs).slice(0, 400)}\n  rust: ${JSON.stringify(hitsRust).slice(0, 400)}`);
      }
    }
    const total = Object.values(expected).reduce((n, hits) => n + hits.length, 0);
    console.log(`search.js answers as Rust does: ${Object.keys(expected).length} queries, ${total} results`);
  }
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

  // Without JavaScript, every page still shows its content.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(origin + '/wards/arakawa/');
  const rows = await plain.locator('main table tbody tr').count();
  if (rows === 0) fail('no-js', 'the ward page shows no partner rows without JavaScript');
  await plain.goto(origin + '/search/?q=釧路');
  if (!(await plain.locator('.search-needs-js').isVisible())) fail('no-js', 'the search page does not say that it needs JavaScript');
} finally {
  await browser.close();
  server.close();
}

if (failures.length) {
  console.error(`${failures.length} problems:\n` + failures.join('\n'));
  process.exit(1);
}
console.log(`all ${PAGES.length} page kinds pass`);
