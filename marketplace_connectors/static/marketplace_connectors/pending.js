/* Work under way in the background (a delist, pause or resume; a marketplace's categories being fetched):
   each element with data-pending-url polls it every 2 s (every 10 s after a minute) until the JSON answers
   {"pending": 0 or false}. Then an element marked data-pending-replace is replaced by the answer's "html"
   (the product page keeps what the owner is typing); any other reloads the page to show the outcome.
   No inline JS (CSP). */
(function () {
  "use strict";
  function watch(box) {
    var url = box.getAttribute("data-pending-url");
    var started = Date.now();
    function later() { window.setTimeout(poll, Date.now() - started > 60000 ? 10000 : 2000); }
    function done(data) {
      if (box.hasAttribute("data-pending-replace") && typeof data.html === "string") {
        box.outerHTML = data.html;
      } else {
        window.location.reload();
      }
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && !data.pending) { done(data); } else { later(); } })
        .catch(later);
    }
    later();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-pending-url]"), watch);
})();
