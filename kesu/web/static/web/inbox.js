// The inbox's selection and bulk bar: tick complaints (or all matching the filter), choose an action, apply it
// (htmx posts the form and shows one result per complaint), or export the selection to Excel.
(function () {
  "use strict";

  function form() { return document.getElementById("bulk-form"); }
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("#inbox-results .row-select")); }
  function table() { return document.querySelector("#inbox-results .inbox-table"); }
  function format(template, count) { return (template || "").replace("%(count)s", count); }
  function currentQuery() {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    return params.toString();
  }

  function update() {
    var f = form();
    if (!f) return;
    var all = boxes();
    var ticked = all.filter(function (b) { return b.checked; });
    all.forEach(function (b) {
      var row = b.closest("tr");
      if (row) row.classList.toggle("is-selected", b.checked);
    });
    var allMatching = document.getElementById("bulk-all-matching");
    var matching = allMatching.value === "1";
    var t = table();
    var total = t ? parseInt(t.dataset.total || "0", 10) : 0;
    var count = document.getElementById("bulk-count");
    var selectAll = document.getElementById("bulk-select-all");
    var pageBox = document.getElementById("select-page");
    if (pageBox) {
      pageBox.checked = all.length > 0 && ticked.length === all.length;
      pageBox.indeterminate = ticked.length > 0 && ticked.length < all.length;
    }
    if (matching) {
      count.textContent = format(count.dataset.all, total + (t && t.dataset.capped === "1" ? "+" : ""));
    } else {
      count.textContent = ticked.length === 1 ? count.dataset.one : format(count.dataset.many, ticked.length);
    }
    var offerAll = !matching && all.length > 0 && ticked.length === all.length && total > all.length;
    selectAll.classList.toggle("d-none", !offerAll);
    if (offerAll) selectAll.textContent = format(selectAll.dataset.label, total);
    var show = matching || ticked.length > 0;
    f.classList.toggle("d-none", !show);
    document.body.classList.toggle("has-bulk-bar", show);
  }

  function clearSelection() {
    boxes().forEach(function (b) { b.checked = false; });
    var allMatching = document.getElementById("bulk-all-matching");
    if (allMatching) allMatching.value = "0";
    update();
  }

  function showFields() {
    var f = form();
    if (!f) return;
    var action = f.querySelector("#bulk-action").value;
    f.querySelectorAll(".bulk-fields").forEach(function (el) {
      el.classList.toggle("active", (el.dataset.for || "").split(" ").indexOf(action) >= 0);
    });
  }

  function filterOwners() {
    var dept = document.getElementById("bulk-department");
    var owner = document.getElementById("bulk-owner");
    if (!dept || !owner) return;
    Array.prototype.forEach.call(owner.options, function (option) {
      if (!option.value) return;
      var fits = !dept.value || (" " + option.dataset.departments + " ").indexOf(" " + dept.value + " ") >= 0;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) owner.value = "";
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "select-page") {
      boxes().forEach(function (b) { b.checked = target.checked; });
      document.getElementById("bulk-all-matching").value = "0";
      update();
    } else if (target.classList && target.classList.contains("row-select")) {
      document.getElementById("bulk-all-matching").value = "0";
      update();
    } else if (target.id === "bulk-action") {
      showFields();
    } else if (target.id === "bulk-department") {
      filterOwners();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button, a") : null;
    if (!target) return;
    if (target.id === "bulk-select-all") {
      document.getElementById("bulk-all-matching").value = "1";
      update();
    } else if (target.id === "bulk-clear") {
      clearSelection();
    } else if (target.id === "bulk-export") {
      var f = form();
      var action = f.getAttribute("action");
      document.getElementById("bulk-query").value = currentQuery();
      f.setAttribute("action", f.dataset.exportUrl);
      f.submit(); // a plain submit: the browser downloads the workbook
      f.setAttribute("action", action);
    } else if (target.hasAttribute("data-dismiss-results")) {
      var card = target.closest("#bulk-summary");
      if (card) card.remove();
    } else if (target.hasAttribute("data-confirm") && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("submit", function (event) {
    if (event.target.id === "bulk-form") document.getElementById("bulk-query").value = currentQuery();
    if (event.target.id === "save-view-form") document.getElementById("save-view-query").value = currentQuery();
  }, true);

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "inbox-results") {
      var allMatching = document.getElementById("bulk-all-matching");
      if (allMatching) allMatching.value = "0";
      update();
    }
  });

  // After a bulk action the list shows the complaints as they are now; the per-complaint results stay above it.
  document.body.addEventListener("kesu:bulk-done", function () {
    clearSelection();
    if (window.htmx) window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: "#inbox-results" });
  });

  function init() {
    showFields();
    filterOwners();
    update();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
