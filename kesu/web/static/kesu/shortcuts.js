// Keyboard shortcuts (? lists them): j/k move through a list's rows, Enter/o opens, x selects, / searches;
// on a complaint a opens "Assign", n the note box. Ignored while typing in a field (Esc leaves it).
(function () {
  "use strict";

  function typing(el) {
    if (!el || el === document.body) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".inbox-table tr.inbox-row")); }

  function current() { return document.querySelector(".inbox-table tr.inbox-row.kbd-current"); }

  function move(step) {
    var list = rows();
    if (!list.length) return;
    var at = list.indexOf(current());
    var next = at < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + step));
    list.forEach(function (r) { r.classList.remove("kbd-current"); r.removeAttribute("aria-current"); });
    var row = list[next];
    row.classList.add("kbd-current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a.complaint-number");
    if (link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function open() {
    var row = current();
    var link = row && row.querySelector("a.complaint-number");
    if (link) window.location.assign(link.href);
  }

  function select() {
    var row = current();
    var box = row && row.querySelector("input.row-select");
    if (!box) return;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function search() {
    var field = document.querySelector("[data-shortcut-search]") || document.getElementById("id_q") ||
      document.querySelector("input[type=search]");
    if (field) { field.focus(); field.select(); return true; }
    return false;
  }

  function openAction(name) {
    var panel = document.getElementById("action-" + name);
    if (!panel || !window.bootstrap) return false;
    var focus = function () {
      var field = panel.querySelector("textarea, select, input:not([type=hidden])");
      panel.scrollIntoView({ block: "center" });
      if (field) field.focus();
    };
    if (panel.classList.contains("show")) { focus(); return true; }
    panel.addEventListener("shown.bs.collapse", focus, { once: true });
    window.bootstrap.Collapse.getOrCreateInstance(panel, { toggle: false }).show();
    return true;
  }

  function help() {
    var modal = document.getElementById("shortcut-help");
    if (modal && window.bootstrap) window.bootstrap.Modal.getOrCreateInstance(modal).toggle();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var openModal = document.querySelector(".modal.show");
    if (openModal && openModal.id !== "shortcut-help") return;
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": open(); break;
      case "Enter": if (current() && document.activeElement === document.body) open(); else handled = false; break;
      case "x": select(); break;
      case "/": handled = search(); break;
      case "a": handled = openAction("assign"); break;
      case "n": handled = openAction("note"); break;
      case "?": help(); break;
      case "Escape": handled = !!(openModal && openModal.id === "shortcut-help"); if (handled) help(); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
