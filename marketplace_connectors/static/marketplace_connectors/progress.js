/* Live progress for a sync run: polls the run's JSON every 1.5 s until it is finished. No inline JS (CSP). */
(function () {
  "use strict";
  var box = document.getElementById("run");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  function text(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }
  function update(data) {
    var bar = document.getElementById("run-progress");
    if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
    text("run-status", data.status_label);
    text("run-succeeded", data.succeeded);
    text("run-failed", data.failed);
    text("run-total", data.total);
    var slow = document.getElementById("run-slow");
    if (slow) { slow.hidden = !data.slow; }
    data.listings.forEach(function (row) {
      var tr = document.getElementById("listing-" + row.id);
      if (!tr) { return; }
      tr.querySelector("[data-field=status]").textContent = row.status_label;
      tr.querySelector("[data-field=external_id]").textContent = row.external_id;
      tr.querySelector("[data-field=error]").textContent = row.error;
    });
    box.setAttribute("data-finished", data.finished ? "1" : "0");
    box.setAttribute("data-status", data.status);
    return data.finished;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (!data || !update(data)) { window.setTimeout(poll, 1500); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
