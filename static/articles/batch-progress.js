// Live progress of an import batch (admin batch page): polls the progress URL and updates the
// counts in place; reloads once the batch is over, to list every file's outcome. A static file,
// so a Content-Security-Policy without inline scripts allows it.
(function () {
  "use strict";
  const panel = document.getElementById("batch-progress");
  if (!panel) return;
  const field = (name) => panel.querySelector(`[data-field="${name}"]`);
  const POLL_MS = 1000;

  function show(progress) {
    field("status_label").textContent = progress.status_label;
    field("done").textContent = progress.done;
    field("total").textContent = progress.total;
    for (const [outcome, count] of Object.entries(progress.counts)) {
      const cell = field(outcome);
      if (cell) cell.textContent = count;
    }
    const bar = field("bar");
    bar.max = progress.total;
    bar.value = progress.done;
    field("rate").textContent = progress.rate ? `${progress.rate.toFixed(1)} files a second` : "";
    field("seconds_left").textContent =
      progress.seconds_left !== null ? `, about ${progress.seconds_left} s left` : "";
    field("stalled").hidden = !progress.stalled_seconds;
  }

  async function poll() {
    try {
      const response = await fetch(panel.dataset.url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const progress = await response.json();
        show(progress);
        if (progress.status === "done" || progress.status === "cancelled") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // The server restarting: try again at the next tick.
    }
    window.setTimeout(poll, POLL_MS);
  }
  window.setTimeout(poll, POLL_MS);
})();
