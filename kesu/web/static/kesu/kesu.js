// kesu: the little behaviour htmx does not cover. No inline scripts (a strict CSP stays possible).
(function () {
  "use strict";

  // The customer lookup on the new-complaint form: fill name and kind from the customer on file,
  // without overwriting what the agent typed.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "customer-lookup") return;
    var card = target.querySelector("[data-customer-name]");
    if (!card) return;
    var name = document.getElementById("id_customer_name");
    if (name && (!name.value || name.dataset.autofilled === "1")) {
      name.value = card.dataset.customerName;
      name.dataset.autofilled = "1";
    }
    var kind = document.getElementById("id_customer_kind");
    if (kind && card.dataset.customerKind) kind.value = card.dataset.customerKind;
  });

  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "id_customer_name") delete event.target.dataset.autofilled;
  });
})();

// Copy buttons: <button data-copy="#input-id"> copies that field's value (the customer rating link).
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-copy]") : null;
  if (!button) return;
  var field = document.querySelector(button.getAttribute("data-copy"));
  if (!field) return;
  field.select();
  var done = function () {
    var copy = button.querySelector("[data-copy-label]");
    var copied = button.querySelector("[data-copied-label]");
    if (copy && copied) {
      copy.classList.add("d-none");
      copied.classList.remove("d-none");
    }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () {});
  } else if (document.execCommand && document.execCommand("copy")) {
    done();
  }
});

// The live suggestion beside the new-complaint form: a click on a suggested type (or a runner-up) puts it in the
// form's type field; the buttons show which one the field holds now.
(function () {
  "use strict";

  function typeField() {
    return document.getElementById("id_type_code");
  }

  function showPicked() {
    var field = typeField();
    if (!field) return;
    document.querySelectorAll("[data-set-type]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-set-type") === field.value ? "true" : "false");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-set-type]") : null;
    var field = typeField();
    if (!button || !field) return;
    var code = button.getAttribute("data-set-type");
    var known = Array.prototype.some.call(field.options, function (option) {
      return option.value === code;
    });
    if (!known) return;
    field.value = code;
    field.dispatchEvent(new Event("change", { bubbles: true }));
    showPicked();
  });

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_type_code") showPicked();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "triage-live") showPicked();
  });
})();

// The new-complaint form: Enter in the phone field looks the customer up (now, not after the typing pause) and
// moves on to the name instead of submitting a half-filled form.
document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (!field || field.id !== "id_customer_phone" || event.key !== "Enter" || event.isComposing) return;
  event.preventDefault();
  if (window.htmx) window.htmx.trigger(field, "change");
  var name = document.getElementById("id_customer_name");
  if (name) name.focus();
});

// The complaint page at phone width: the bottom bar opens a step where it is (the steps sit at the top of the
// page), and "Photo" opens the camera; a photo taken counts as taken by staff, now, and is uploaded at once.
(function () {
  "use strict";

  function localNow() {
    var d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest ? event.target.closest("[data-open-action]") : null;
    if (opener) {
      var panel = document.getElementById(opener.getAttribute("data-open-action"));
      if (!panel) return;
      event.preventDefault();
      if (window.bootstrap) window.bootstrap.Collapse.getOrCreateInstance(panel, { toggle: false }).show();
      else panel.classList.add("show");
      var item = panel.closest(".accordion-item") || panel;
      item.scrollIntoView({ block: "start" });
      var first = panel.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus({ preventScroll: true });
      return;
    }
    var camera = event.target.closest ? event.target.closest("[data-camera]") : null;
    if (camera) {
      var input = document.getElementById(camera.getAttribute("data-camera"));
      if (!input) return;
      event.preventDefault();
      input.click();
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.id !== "evidence-camera" || !input.files || !input.files.length) return;
    var form = input.form;
    var other = form.querySelector("#id_attachment_file");
    if (other) other.value = "";
    var source = form.querySelector("#id_attachment_source");
    if (source && input.dataset.source) source.value = input.dataset.source;
    var taken = form.querySelector("#id_attachment_captured_at");
    if (taken && !taken.value) taken.value = localNow();
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });
})();
