// Live reload in a real browser: a page open in headless Chromium reloads by itself after its
// source file is edited, shows the error overlay when the edit breaks the build, and reloads
// again once the file is fixed. The overlay must pass axe-core's WCAG 2 AA checks (contrast
// above all: the theme's light `pre` background once showed through under white text).
//
// usage: node reload.mjs PAGE_URL SOURCE_FILE
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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

  const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => {
    const result = await window.axe.run('#renkei-error-overlay', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    const contrast = result.passes.find((rule) => rule.id === 'color-contrast');
    return {
      violations: result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target} ${n.failureSummary}`).join('; ')}`),
      contrastPassed: contrast ? contrast.nodes.map((n) => String(n.target)) : [],
    };
  });
  if (axe.violations.length) await fail(`the overlay fails axe:\n${axe.violations.join('\n')}`);
  // Checked, not skipped: axe measured the contrast of the problems' text itself.
  if (!axe.contrastPassed.some((target) => target.includes('pre'))) await fail(`axe did not measure the overlay's text: ${JSON.stringify(axe)}`);
  console.log('overlay passes axe (WCAG 2 AA, contrast measured)');

  await writeFile(file, original.replace('\n---\n', '\n---\n\n直りました。\n'));
  await page.waitForFunction(() => !window.renkeiMark && document.body.innerText.includes('直りました') && !document.getElementById('renkei-error-overlay'), null, { timeout: 15000 })
    .catch(() => fail('the page did not recover after the fix'));
  console.log('reloaded after the fix');
} finally {
  await browser.close();
}
