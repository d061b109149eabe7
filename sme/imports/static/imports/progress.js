// Polls an import job's status and moves the progress bar; reloads the page when the worker is done with it
// (the check gave a preview or a refusal, or the import finished).
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-import-status-url");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-import-progress-label]");
  var slow = box.querySelector("[data-import-slow]");
  var delay = 800;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 3000); return; }
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
        if (label) { label.textContent = data.status_label + " · " + data.percent + "%"; }
        if (slow) { slow.hidden = !data.slow; }
        if (!data.waiting) { window.location.replace(data.url); return; }
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
