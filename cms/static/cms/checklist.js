// Saves each checklist tick as it happens (the form still works without JavaScript: "Save checklist").
(function () {
  "use strict";
  document.querySelectorAll("form.js-checklist").forEach(function (form) {
    var saveButton = form.querySelector(".js-checklist-save");
    var status = form.querySelector(".js-checklist-status");
    if (saveButton) { saveButton.hidden = true; }
    form.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type !== "checkbox") { return; }
      var data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      data.append("item", box.value);
      data.append("checked", box.checked ? "1" : "0");
      fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) { throw new Error(json.error || response.statusText); }
          return json;
        });
      }).then(function (json) {
        status.textContent = form.dataset.savedText + " " + json.ticked + "/" + json.total +
          (json.done ? " " + form.dataset.doneText : "");
        form.dataset.ticked = String(json.ticked);
      }).catch(function () {
        box.checked = !box.checked;
        status.textContent = form.dataset.errorText;
        if (saveButton) { saveButton.hidden = false; }
      });
    });
  });
})();
