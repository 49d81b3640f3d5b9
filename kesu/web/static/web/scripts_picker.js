// The scripts picker in the reply box (kesu.web.script_views): "Insert" asks the server for the script's text
// filled from the complaint (which counts the use), puts it into the message at the cursor and remembers the
// script, which is sent with the reply and recorded on the timeline. Loaded with every reply box: registers once.
(function () {
  "use strict";
  if (window.kesuScriptsPicker) return;
  window.kesuScriptsPicker = true;

  function show(id, text) {
    var picker = document.getElementById("script-picker");
    ["script-inserted", "script-error"].forEach(function (other) {
      var el = document.getElementById(other);
      if (el) el.classList.add("d-none");
    });
    var el = document.getElementById(id);
    if (!el || !picker) return;
    el.textContent = text;
    el.classList.remove("d-none");
  }

  function insertAtCursor(area, text) {
    var start = area.selectionStart, end = area.selectionEnd;
    if (typeof start !== "number" || document.activeElement !== area && area.dataset.cursorKnown !== "1") {
      start = end = area.value.length; // never focused: at the end
    }
    var before = area.value.slice(0, start), after = area.value.slice(end);
    var glue = before && !/\s$/.test(before) ? "\n" : "";
    area.value = before + glue + text + after;
    var cursor = (before + glue + text).length;
    area.focus();
    area.setSelectionRange(cursor, cursor);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Where the agent last put the cursor in the message counts even after clicking the picker.
  document.addEventListener("focusout", function (event) {
    if (event.target && event.target.id === "reply-text") event.target.dataset.cursorKnown = "1";
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".script-insert") : null;
    if (!button) return;
    event.preventDefault();
    var area = document.getElementById("reply-text");
    var form = area ? area.form : null;
    var token = form ? form.querySelector("[name=csrfmiddlewaretoken]") : null;
    var picker = document.getElementById("script-picker");
    if (!area || !token || !picker) return;
    button.disabled = true;
    fetch(button.dataset.url, {
      method: "POST",
      headers: { "X-CSRFToken": token.value, "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (!result.ok) {
          show("script-error", result.body.error || picker.dataset.failedLabel);
          return;
        }
        insertAtCursor(area, result.body.text);
        var field = document.getElementById("reply-script");
        if (field) field.value = String(result.body.id);
        show("script-inserted", picker.dataset.insertedLabel + " " + result.body.title);
      })
      .catch(function () {
        show("script-error", picker.dataset.failedLabel);
      })
      .finally(function () {
        button.disabled = false;
      });
  });

  // Another reply channel: the scripts for it come first.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || target.name !== "channel" || !target.closest("#reply-box")) return;
    var results = document.getElementById("script-results");
    var search = document.getElementById("script-q");
    if (results && search && window.htmx && results.dataset.loaded === "1") window.htmx.trigger(search, "search");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "script-results") event.detail.target.dataset.loaded = "1";
  });
})();
