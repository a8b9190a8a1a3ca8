// Injected by `renkei serve` only (never in `renkei build` output): reloads the page after each
// successful rebuild and shows the problems of a failed one over the page until they are fixed.
// The waiting for a change is done once per browser, by livereload-worker.js.
(() => {
  const OVERLAY = 'renkei-error-overlay';
  let generation = null;

  function showError(text) {
    let box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement('div');
      box.id = OVERLAY;
      box.setAttribute('role', 'alert');
      // Every colour and box property is set here, on each element: the theme's own rules for
      // `p` and `pre` (a light code background) must not show through. Opaque, so that the
      // contrast (checked by axe in tests/browser/reload.mjs) does not depend on the page below:
      // #fff on #1a1a1a is 17:1, #ffb4a9 on #1a1a1a 11:1 (WCAG AA asks 4.5:1).
      const reset = 'background:#1a1a1a;border:0;box-shadow:none;text-shadow:none;opacity:1;' +
        'font:inherit;letter-spacing:normal;';
      box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' + reset +
        'color:#fff;padding:2rem;margin:0;font:14px/1.5 ui-monospace,monospace';
      const title = document.createElement('p');
      title.style.cssText = reset + 'color:#ffb4a9;font-weight:bold;margin:0 0 1rem;padding:0';
      const pre = document.createElement('pre');
      pre.style.cssText = reset + 'color:#fff;white-space:pre-wrap;overflow-wrap:anywhere;margin:0;padding:0';
      box.append(title, pre);
      document.body.append(box);
    }
    // The server's first line says what happened, in the editor's language; the rest are the
    // problems.
    const [heading, ...problems] = text.split('\n');
    box.querySelector('p').textContent = heading;
    box.querySelector('pre').textContent = problems.join('\n');
  }

  function hideError() {
    document.getElementById(OVERLAY)?.remove();
  }

  // What the server says about the builds: a newer successful one reloads this page, a failed
  // one shows its problems over it.
  function show(status) {
    if (generation !== null && status.generation !== generation && !status.error) {
      location.reload();
      return false;
    }
    generation = status.generation;
    if (status.error) showError(status.error); else hideError();
    return true;
  }

  // The page's own path tells the server which pages are open: after a change it renders
  // them first.
  const page = location.pathname;
  const pageQuery = `page=${encodeURIComponent(page)}`;

  // Without a shared worker (Chrome on Android): this tab waits for changes itself.
  async function poll() {
    const query = generation === null ? `?${pageQuery}` : `?since=${generation}&${pageQuery}`;
    try {
      const response = await fetch(`/__renkei/poll${query}`, { cache: 'no-store' });
      if (!show(await response.json())) return;
    } catch {
      // The server restarts or is gone: try again a little later.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    poll();
  }

  // With one: this tab asks once which build it shows (an answer without waiting), then the
  // worker, shared by all tabs, waits for the next one on a single connection.
  async function listen() {
    try {
      const response = await fetch(`/__renkei/poll?${pageQuery}`, { cache: 'no-store' });
      if (!show(await response.json())) return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      listen();
      return;
    }
    const worker = new SharedWorker('/__renkei/livereload-worker.js', { name: 'renkei-livereload' });
    worker.port.onmessage = ({ data }) => show(data);
    const hello = () => worker.port.postMessage({ page });
    hello();
    setInterval(hello, 20000);
    addEventListener('pagehide', () => worker.port.postMessage({ bye: true }));
  }

  if (typeof SharedWorker === 'function') listen(); else poll();
})();
