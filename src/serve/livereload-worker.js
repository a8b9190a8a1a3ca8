// Injected by `renkei serve` only, through livereload.js: one shared worker per browser holds
// the one request that waits for the next build, for every open tab of the preview, and tells
// each tab what it answers. A browser opens at most six HTTP/1.1 connections to a host; a
// waiting request per tab would take them all with six tabs, and page loads would stall.
const OPEN_FOR = 60000;
const MOST_PAGES = 64;
// MessagePort → { page: its path, seen: when it last said it is open }
const tabs = new Map();
let polling = false;

onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = ({ data }) => {
    if (data.bye) tabs.delete(port);
    else tabs.set(port, { page: data.page, seen: Date.now() });
  };
  if (!polling) {
    polling = true;
    poll(null);
  }
};

// The pages open now: the server renders them first after a change.
function pages() {
  const now = Date.now();
  for (const [port, tab] of tabs) if (now - tab.seen > OPEN_FOR) tabs.delete(port);
  const open = [...new Set([...tabs.values()].map((tab) => tab.page))].slice(0, MOST_PAGES);
  return open.map((page) => `page=${encodeURIComponent(page)}`);
}

async function poll(generation) {
  for (;;) {
    const query = pages();
    if (generation !== null) query.unshift(`since=${generation}`);
    try {
      const response = await fetch(`/__renkei/poll?${query.join('&')}`, { cache: 'no-store' });
      const status = await response.json();
      if (status.generation !== generation) {
        for (const port of tabs.keys()) port.postMessage(status);
      }
      generation = status.generation;
    } catch {
      // The server restarts or is gone: try again a little later.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
