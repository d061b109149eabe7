/* Site-wide behaviour, loaded on every page (the CSP allows no inline script). Works without it too:
   the menu then stays open and a form with errors still lists them at the top. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The header menu: one button on a phone, the whole list on a wide screen (CSS decides which shows).
  function setUpMenu() {
    var button = document.querySelector("[data-menu-button]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    button.hidden = false;
    function close() { button.setAttribute("aria-expanded", "false"); menu.classList.remove("is-open"); }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
      if (open) {
        var first = menu.querySelector("a, button:not([disabled])");
        if (first) { first.focus(); }
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") { close(); button.focus(); }
    });
  }

  // A form sent back with errors: the summary at the top says what to fix; focus goes to the first field
  // in error (the browser scrolls it into view), or to the summary when the error is not tied to a field.
  function focusFirstError() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    var link = summary.querySelector("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (target && typeof target.focus === "function" && !target.disabled) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "center" });
    } else {
      summary.focus();
    }
    summary.addEventListener("click", function (event) {
      var a = event.target.closest("a[href^='#']");
      var field = a && document.getElementById(a.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus({ preventScroll: true });
        field.scrollIntoView({ block: "center" });
      }
    });
  }

  // <select data-filter>: a text box above it narrows the options as the owner types, ignoring accents
  // ("lap vo" finds "Lấp Vò"); the select itself is what the form sends.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function setUpSelectFilters() {
    document.querySelectorAll("select[data-filter]").forEach(function (select) {
      var input = document.createElement("input");
      input.type = "search";
      input.className = "select-filter";
      input.id = select.id + "_filter";
      input.setAttribute("autocomplete", "off");
      var label = document.createElement("label");
      label.className = "select-filter-label";
      label.setAttribute("for", input.id);
      label.textContent = select.getAttribute("data-filter");
      var status = document.createElement("p");
      status.className = "helptext";
      status.setAttribute("aria-live", "polite");
      select.parentNode.insertBefore(label, select);
      select.parentNode.insertBefore(input, select);
      select.parentNode.insertBefore(status, select);
      var options = Array.prototype.slice.call(select.options);
      input.addEventListener("input", function () {
        var query = fold(input.value.trim());
        var shown = 0, only = null;
        options.forEach(function (option) {
          var match = !option.value || !query || fold(option.text).indexOf(query) !== -1;
          option.hidden = !match;
          if (match && option.value) { shown += 1; only = option; }
        });
        if (shown === 1 && only) { select.value = only.value; }
        status.textContent = query ? select.getAttribute("data-filter-count").replace("%(n)s", shown) : "";
      });
    });
  }

  // A wide table that still scrolls sideways inside its box can be reached and scrolled with the keyboard.
  function labelScrollingTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth + 1) { return; }
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      if (!wrap.hasAttribute("aria-label")) {
        var heading = document.querySelector("main h1");
        wrap.setAttribute("aria-label", heading ? heading.textContent.trim() : document.title);
      }
    });
  }

  setUpMenu();
  labelScrollingTables();
  focusFirstError();
  setUpSelectFilters();
}());
