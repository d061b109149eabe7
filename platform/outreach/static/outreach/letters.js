/* A campaign's letters being printed by a worker: the box with data-letters-status-url polls it (the
   approach of marketplace_connectors/pending.js: every 2 s, every 10 s after a minute), moves the bar and
   "done / total", and reloads the page when the job is no longer pending (to offer the PDF or the error).
   No inline JS (CSP). */
(function () {
  "use strict";
  var box = document.querySelector("[data-letters-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-letters-status-url");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-letters-progress]");
  var started = Date.now();
  function later() { window.setTimeout(poll, Date.now() - started > 60000 ? 10000 : 2000); }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { later(); return; }
        if (!data.pending) { window.location.reload(); return; }
        if (bar) { bar.max = Math.max(data.total, 1); bar.value = data.done; bar.textContent = data.percent + "%"; }
        if (label) { label.textContent = data.status_label + " · " + data.done + " / " + data.total; }
        later();
      })
      .catch(later);
  }
  later();
})();
