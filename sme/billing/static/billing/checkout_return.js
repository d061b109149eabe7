// Polls the checkout status until Stripe's webhook has confirmed the plan (no inline script: CSP).
(function () {
  "use strict";
  var node = document.querySelector("[data-status-url]");
  if (!node || node.getAttribute("data-state") === "active") { return; }
  var url = node.getAttribute("data-status-url");
  var tries = 0;
  var maxTries = 60;
  function poll() {
    tries += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.message) { node.textContent = data.message; }
        if (data && data.status === "active") {
          node.setAttribute("data-state", "active");
          return;
        }
        if (tries >= maxTries) { node.textContent = node.getAttribute("data-slow-message"); return; }
        window.setTimeout(poll, tries < 10 ? 1000 : 3000);
      })
      .catch(function () {
        if (tries < maxTries) { window.setTimeout(poll, 3000); }
      });
  }
  window.setTimeout(poll, 1000);
})();
