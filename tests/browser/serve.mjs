// A static server like any host, for the browser checks: index.html for folders, the site's
// 404.html (status 404) for the rest, and the cache header a host would send for fingerprinted
// files (`style.3f2a1c0b.css`), so that Lighthouse sees what production serves.
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.xml': 'application/xml', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.png': 'image/png', '.txt': 'text/plain; charset=utf-8', '.ics': 'text/calendar; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8', '.webp': 'image/webp', '.jpg': 'image/jpeg',
};
const FINGERPRINTED = /\.[0-9a-f]{8}\.(css|js)$/;

export async function serve(root) {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    let file = join(root, path);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (FINGERPRINTED.test(file)) headers['cache-control'] = 'public, max-age=31536000, immutable';
      response.writeHead(200, headers);
      response.end(body);
    } catch {
      response.writeHead(404, { 'content-type': TYPES['.html'] });
      response.end(await readFile(join(root, '404.html')));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
