// Media under `renkei serve` in Chromium: a video plays and seeks (the browser reads it in byte
// ranges, answered with 206), a large PDF of many pages opens in the built-in viewer, and a photo
// replaced while the server runs is shown once the page reloads by itself.
//
// The video and the PDF are made here, so nothing binary is committed: the video's frames are
// drawn on a canvas and encoded to VP8 by the browser's own encoder (WebCodecs), then written into
// a WebM file (webm.mjs); the PDF is written by pdf.mjs.
//
// usage: node media.mjs PAGE_URL FOLDER
//   PAGE_URL: a folder entry's page that shows photo.jpg; FOLDER: that entry's folder.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { webm } from './webm.mjs';
import { pdf } from './pdf.mjs';

const [url, folder] = process.argv.slice(2);
if (!url || !folder) {
  console.error('usage: node media.mjs PAGE_URL FOLDER');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
let failed = false;
const fail = (message) => {
  console.error(message);
  failed = true;
};

// VP8 frames of a 10 s video, 320×240 at 25 frames a second, a key frame each second; noise on
// every frame makes the file large enough (a few MiB) that the browser reads it in parts.
async function encodeVideo(page) {
  return page.evaluate(async () => {
    const [width, height, fps, seconds] = [320, 240, 25, 10];
    const chunks = [];
    const encoder = new VideoEncoder({
      output: (chunk) => {
        const bytes = new Uint8Array(chunk.byteLength);
        chunk.copyTo(bytes);
        let text = '';
        for (const b of bytes) text += String.fromCharCode(b);
        chunks.push({ key: chunk.type === 'key', time: chunk.timestamp / 1000, data: btoa(text) });
      },
      error: (e) => { throw e; },
    });
    encoder.configure({ codec: 'vp8', width, height, bitrate: 4_000_000, framerate: fps });
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    const noise = context.createImageData(width, height);
    for (let i = 0; i < fps * seconds; i++) {
      for (let p = 0; p < noise.data.length; p += 4) {
        noise.data[p] = Math.random() * 255;
        noise.data[p + 1] = (i * 10) % 255;
        noise.data[p + 2] = Math.random() * 255;
        noise.data[p + 3] = 255;
      }
      context.putImageData(noise, 0, 0);
      const frame = new VideoFrame(canvas, { timestamp: (i * 1e6) / fps, duration: 1e6 / fps });
      encoder.encode(frame, { keyFrame: i % fps === 0 });
      frame.close();
    }
    await encoder.flush();
    return { width, height, duration: seconds * 1000, chunks };
  });
}

// A JPEG of one colour, made by the browser.
async function jpeg(page, colour) {
  const text = await page.evaluate(async (fill) => {
    const canvas = new OffscreenCanvas(640, 480);
    const context = canvas.getContext('2d');
    context.fillStyle = fill;
    context.fillRect(0, 0, 640, 480);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg' })).arrayBuffer());
    let out = '';
    for (const b of bytes) out += String.fromCharCode(b);
    return btoa(out);
  }, colour);
  return Buffer.from(text, 'base64');
}

// Waits until the server serves `url` (the rebuild after a file was added is asynchronous).
async function served(url) {
  const started = Date.now();
  while (!(await fetch(url, { method: 'HEAD' }).then((r) => r.ok, () => false))) {
    if (Date.now() - started > 20000) throw new Error(`${url} was never served`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// The page count and the page shown by Chromium's PDF viewer (an extension frame of `page`),
// once it shows page `wanted` (or after 20 s).
async function pdfViewerState(page, wanted) {
  let last = null;
  const started = Date.now();
  for (;;) {
    for (const frame of page.frames()) {
      if (!frame.url().startsWith('chrome-extension://')) continue;
      const state = await frame.evaluate(() => {
        const viewer = document.querySelector('pdf-viewer')?.shadowRoot;
        const selector = viewer?.querySelector('viewer-toolbar')?.shadowRoot?.querySelector('viewer-page-selector');
        return selector && selector.docLength > 0 ? { pages: selector.docLength, page: selector.pageNo } : null;
      }).catch(() => null);
      if (state) last = state;
      if (state?.page === wanted) return state;
    }
    if (Date.now() - started > 20000) return last;
    await page.waitForTimeout(200);
  }
}

// The colour at the middle of the page's photo.
async function photoColour(page) {
  return page.evaluate(async () => {
    const img = document.querySelector('main img, img');
    await img.decode();
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    return [...context.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data.slice(0, 3)];
  });
}

try {
  const context = await browser.newContext();
  const origin = new URL(url).origin;
  const base = new URL(url).pathname;
  // The files are made on a blank page of the server's origin (WebCodecs needs a secure
  // context, which a local address is), answered by the test itself: no live-reload script
  // reloads it while the site is rebuilt.
  const blank = await context.newPage();
  await blank.route(`${origin}/blank`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' }));
  await blank.goto(`${origin}/blank`);
  const video = await encodeVideo(blank);
  const clip = webm(video);
  await writeFile(join(folder, 'clip.webm'), clip);
  console.log(`video: ${clip.length} bytes, ${video.chunks.length} frames`);
  const PAGES = 40;
  const report = pdf(PAGES);
  await writeFile(join(folder, 'report.pdf'), report);
  console.log(`pdf: ${report.length} bytes, ${PAGES} pages`);
  await served(`${origin}${base}clip.webm`);
  await served(`${origin}${base}report.pdf`);
  // Let the rebuilds the new files started end before the page opens.
  await blank.waitForTimeout(1500);

  // The video, played and sought in a <video> on the page.
  const page = await context.newPage();
  await page.goto(url);
  const media = [];
  page.on('response', (response) => {
    if (response.url().endsWith('clip.webm')) {
      media.push({ status: response.status(), range: response.request().headers().range ?? null });
    }
  });
  const playback = await page.evaluate(async (src) => {
    const element = document.createElement('video');
    element.muted = true;
    element.preload = 'metadata';
    element.src = src;
    document.body.append(element);
    const once = (name) => new Promise((resolve, reject) => {
      element.addEventListener(name, resolve, { once: true });
      element.addEventListener('error', () => reject(new Error(`video error ${element.error?.code}: ${element.error?.message}`)), { once: true });
    });
    await once('loadedmetadata');
    await element.play();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const played = element.currentTime;
    element.pause();
    const seekable = element.seekable.length ? element.seekable.end(0) : 0;
    element.currentTime = 8.5;
    await once('seeked');
    return { duration: element.duration, played, seekable, after: element.currentTime, ready: element.readyState };
  }, `${base}clip.webm`);
  console.log(`video: ${JSON.stringify(playback)}; responses ${JSON.stringify(media)}`);
  if (!(playback.duration > 9.5 && playback.duration < 10.5)) fail('the video has not its duration');
  if (!(playback.played > 0)) fail('the video did not play');
  if (!(playback.seekable > 9)) fail('the video cannot be sought');
  if (Math.abs(playback.after - 8.5) > 0.5 || playback.ready < 2) fail('the seek did not land');
  if (!media.some((m) => m.status === 206 && m.range)) fail('no range request answered with 206');

  // The PDF in Chromium's viewer, opened at a page far into it.
  const viewer = await context.newPage();
  const statuses = [];
  viewer.on('response', (response) => {
    if (response.url().includes('report.pdf')) statuses.push(response.status());
  });
  await viewer.goto(`${origin}${base}report.pdf#page=${PAGES - 5}`);
  const state = await pdfViewerState(viewer, PAGES - 5);
  console.log(`pdf: viewer ${JSON.stringify(state)}, responses ${JSON.stringify(statuses)}`);
  if (state?.pages !== PAGES) fail(`the PDF viewer did not open the ${PAGES} pages`);
  else if (state.page !== PAGES - 5) fail(`the PDF viewer shows page ${state.page}, not ${PAGES - 5}`);
  await viewer.close();

  // The photo, replaced while the page is open: it reloads and shows the new one.
  const before = await photoColour(page);
  await page.evaluate(() => { window.renkeiMark = true; });
  await writeFile(join(folder, 'photo.jpg'), await jpeg(blank, 'rgb(0, 0, 200)'));
  await page.waitForFunction(() => !window.renkeiMark, null, { timeout: 15000 })
    .catch(() => fail('the page did not reload after the photo was replaced'));
  await page.waitForLoadState('load');
  const after = await photoColour(page);
  console.log(`photo: ${JSON.stringify(before)} before, ${JSON.stringify(after)} after`);
  if (!(before[0] > 150 && after[2] > 150 && after[0] < 50)) fail('the page does not show the new photo');
} catch (error) {
  fail(String(error?.stack ?? error));
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
