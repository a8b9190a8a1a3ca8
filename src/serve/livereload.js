// Injected by `renkei serve` only (never in `renkei build` output): reloads the page after each
// successful rebuild and shows the problems of a failed one over the page until they are fixed.
(() => {
  const OVERLAY = 'renkei-error-overlay';
  let generation = null;

  function showError(text) {
    let box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement('div');
      box.id = OVERLAY;
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
        'background:rgba(20,20,20,.94);color:#fff;padding:2rem;font:14px/1.5 ui-monospace,monospace';
      const title = document.createElement('p');
      title.textContent = 'renkei: the last change broke the build; the previous version is shown underneath.';
      title.style.cssText = 'color:#ff8a80;font-weight:bold;margin:0 0 1rem';
      const pre = document.createElement('pre');
      pre.style.cssText = 'white-space:pre-wrap;margin:0';
      box.append(title, pre);
      document.body.append(box);
    }
    box.querySelector('pre').textContent = text;
  }

  function hideError() {
    document.getElementById(OVERLAY)?.remove();
  }

  async function poll() {
    // The page's own path tells the server which pages are open: after a change it renders
    // them first.
    const page = `page=${encodeURIComponent(location.pathname)}`;
    const query = generation === null ? `?${page}` : `?since=${generation}&${page}`;
    try {
      const response = await fetch(`/__renkei/poll${query}`, { cache: 'no-store' });
      const status = await response.json();
      if (generation !== null && status.generation !== generation && !status.error) {
        location.reload();
        return;
      }
      generation = status.generation;
      if (status.error) showError(status.error); else hideError();
    } catch {
      // The server restarts or is gone: try again a little later.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    poll();
  }

  poll();
})();
