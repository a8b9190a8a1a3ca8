// Live reload in a real browser: a page open in headless Chromium reloads by itself after its
// source file is edited, shows the error overlay when the edit breaks the build, and reloads
// again once the file is fixed.
//
// usage: node reload.mjs PAGE_URL SOURCE_FILE
import { readFile, writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const [url, file] = process.argv.slice(2);
if (!url || !file) {
  console.error('usage: node reload.mjs PAGE_URL SOURCE_FILE');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const fail = async (message) => {
  console.error(message);
  await browser.close();
  process.exit(1);
};
try {
  const page = await browser.newPage();
  await page.goto(url);
  // Let the script make its first poll, then mark this document: a reload forgets the mark.
  await page.waitForTimeout(500);
  await page.evaluate(() => { window.renkeiMark = true; });
  const original = await readFile(file, 'utf8');

  await writeFile(file, original.replace('\n---\n', '\n---\n\nブラウザで更新されました。\n'));
  await page.waitForFunction(() => !window.renkeiMark && document.body.innerText.includes('ブラウザで更新されました'), null, { timeout: 15000 })
    .catch(() => fail('the page did not reload after the edit'));
  console.log('reloaded after an edit');

  await page.evaluate(() => { window.renkeiMark = true; });
  await writeFile(file, original.replace('---\n', '---\nnot_a_field: 1\n'));
  await page.waitForSelector('#renkei-error-overlay', { timeout: 15000 })
    .catch(() => fail('no overlay after a broken edit'));
  const overlay = await page.textContent('#renkei-error-overlay');
  if (!overlay.includes('not_a_field') || !overlay.includes('^')) await fail(`overlay without the problem: ${overlay}`);
  console.log('overlay shown on a broken file');

  await writeFile(file, original.replace('\n---\n', '\n---\n\n直りました。\n'));
  await page.waitForFunction(() => !window.renkeiMark && document.body.innerText.includes('直りました') && !document.getElementById('renkei-error-overlay'), null, { timeout: 15000 })
    .catch(() => fail('the page did not recover after the fix'));
  console.log('reloaded after the fix');
} finally {
  await browser.close();
}
