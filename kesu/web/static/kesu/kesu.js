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
