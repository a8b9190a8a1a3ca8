// Lighthouse on the built site's home page (and any other paths given): accessibility, best
// practices and SEO must each score 100. Each failing audit is printed with its items.
// Performance is measured and printed but not asserted: on a shared CI machine its timings say
// more about the machine than about the page.
//
// usage: node lighthouse.mjs PUBLIC_DIR REPORT_DIR [PATH…]   (CHROME_PATH: the Chromium to use)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { serve } from './serve.mjs';

const [publicDir, reportDir, ...paths] = process.argv.slice(2);
if (!publicDir || !reportDir) {
  console.error('usage: node lighthouse.mjs PUBLIC_DIR REPORT_DIR [PATH…]');
  process.exit(2);
}
const REQUIRED = ['accessibility', 'best-practices', 'seo'];
const server = await serve(publicDir);
const origin = `http://127.0.0.1:${server.address().port}`;
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
await mkdir(reportDir, { recursive: true });
const failures = [];
try {
  for (const path of paths.length ? paths : ['/']) {
    const result = await lighthouse(origin + path, {
      port: chrome.port,
      output: 'html',
      logLevel: 'error',
      onlyCategories: ['performance', ...REQUIRED],
    });
    const name = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
    await writeFile(join(reportDir, `lighthouse-${name}.html`), result.report);
    const { categories, audits, runtimeError } = result.lhr;
    const scores = Object.values(categories).map((c) => `${c.id} ${c.score === null ? 'none' : Math.round(c.score * 100)}`);
    console.log(`${path}: ${scores.join(', ')}`);
    // A run that failed, or an audit that could not run, is a failure: its category's score
    // would leave it out and report 100 for what was never checked.
    if (runtimeError) failures.push(`${path}: Lighthouse failed: ${runtimeError.code}: ${runtimeError.message}`);
    for (const id of REQUIRED) {
      const category = categories[id];
      if (!category || category.score === null) {
        failures.push(`${path}: ${id}: no score`);
        continue;
      }
      for (const ref of category.auditRefs.filter((r) => r.weight > 0)) {
        const audit = audits[ref.id];
        if (audit.scoreDisplayMode === 'error' || audit.errorMessage) {
          failures.push(`${path}: ${id}: ${audit.id} could not run: ${audit.errorMessage ?? 'error'}`);
        }
      }
      if (category.score === 1) continue;
      for (const ref of category.auditRefs.filter((r) => r.weight > 0)) {
        const audit = audits[ref.id];
        if (audit.score === null || audit.score === 1) continue;
        const items = (audit.details?.items ?? []).slice(0, 5)
          .map((item) => item.node?.snippet ?? item.url ?? item.description ?? JSON.stringify(item).slice(0, 200));
        failures.push(`${path}: ${id} ${Math.round(category.score * 100)}: ${audit.id}: ${audit.title}${items.length ? '\n    ' + items.join('\n    ') : ''}`);
      }
    }
  }
} finally {
  await chrome.kill();
  server.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
