// Eight tabs of one browser on `renkei serve`: one edit reloads every one of them (seven through
// the shared worker, one as a browser without shared workers does), and while they are open
// another page loads at once. A browser opens at most six HTTP/1.1 connections
// to a host; if each tab held one waiting for the next build, a page load would wait for one
// of those requests to end (up to 25 s).
//
// usage: node tabs.mjs PAGE_URL OTHER_URL SOURCE_FILE
import { readFile, writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const TABS = 8;
const [url, other, file] = process.argv.slice(2);
if (!url || !other || !file) {
  console.error('usage: node tabs.mjs PAGE_URL OTHER_URL SOURCE_FILE');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
const fail = (message) => {
  console.error(message);
  failed = true;
};
try {
  // One context: one browser profile, whose tabs share the connections to a host.
  const context = await browser.newContext();
  const tabs = [];
  for (let i = 0; i < TABS; i++) {
    const tab = await context.newPage();
    // The last tab is a browser without shared workers (Chrome on Android): it waits itself.
    if (i === TABS - 1) await tab.addInitScript(() => { window.SharedWorker = undefined; });
    await tab.goto(url);
    tabs.push(tab);
  }
  // Let every tab's script settle, then mark each document: a reload forgets the mark.
  await tabs[0].waitForTimeout(1500);
  for (const tab of tabs) await tab.evaluate(() => { window.renkeiMark = true; });

  const started = Date.now();
  const ninth = await context.newPage();
  const opened = await ninth.goto(other, { timeout: 20000 }).then(() => true, () => false);
  const loaded = Date.now() - started;
  if (!opened) throw new Error(`with ${TABS} tabs open, another page did not load in ${loaded} ms`);
  const parallel = await ninth.evaluate(async () => {
    const start = performance.now();
    await Promise.all([...Array(6)].map((_, i) => fetch(`${location.pathname}?n=${i}`, { cache: 'no-store' })));
    return performance.now() - start;
  });
  console.log(`with ${TABS} tabs open, another page loaded in ${loaded} ms and six requests took ${Math.round(parallel)} ms`);
  if (loaded > 3000 || parallel > 3000) fail('a page load waited for the connections the tabs hold');
  await ninth.close();

  const original = await readFile(file, 'utf8');
  await writeFile(file, original.replace('\n---\n', '\n---\n\n八つのタブで更新されました。\n'));
  const reloaded = await Promise.all(tabs.map((tab) => tab
    .waitForFunction(() => !window.renkeiMark && document.body.innerText.includes('八つのタブで更新されました'), null, { timeout: 15000 })
    .then(() => true, () => false)));
  const count = reloaded.filter(Boolean).length;
  console.log(`${count} of ${TABS} tabs reloaded after the edit`);
  if (count !== TABS) fail('not every tab reloaded');
} catch (error) {
  fail(String(error?.stack ?? error));
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
