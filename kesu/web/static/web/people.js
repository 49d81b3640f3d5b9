// The people picker (kesu.web.follower_views.people): on a field with data-people-url it lists, as you type,
// the colleagues who may see the complaint. In the follower box (data-people-mode="pick") the whole value is
// the search; in the note box (data-people-mode="mention") the word after "@" before the cursor is.
// ArrowDown/ArrowUp move through the options, Enter or Tab takes one, Escape closes the list; a click works too.
// Loaded with the followers card, which htmx swaps: listens on the document, registers once.
(function () {
  "use strict";
  if (window.kesuPeoplePicker) return;
  window.kesuPeoplePicker = true;

  var MENTION_BEFORE_CURSOR = /(^|[^\w@.+\-])@([\w.+\-]*)$/;
  var timer = null;
  var serial = 0;

  function listFor(field) {
    var id = field.getAttribute("aria-controls");
    var list = id ? document.getElementById(id) : null;
    if (!list) {
      list = document.createElement("div");
      list.id = (field.id || "people") + "-options";
      list.className = "people-options list-group position-absolute shadow-sm";
      list.setAttribute("role", "listbox");
      list.hidden = true;
      field.insertAdjacentElement("afterend", list);
      field.setAttribute("aria-controls", list.id);
      field.setAttribute("role", "combobox");
      field.setAttribute("aria-autocomplete", "list");
      field.setAttribute("aria-expanded", "false");
    }
    return list;
  }

  function query(field) {
    if (field.dataset.peopleMode === "mention") {
      var upto = field.value.slice(0, field.selectionStart);
      var m = MENTION_BEFORE_CURSOR.exec(upto);
      return m ? m[2] : null;
    }
    return field.value.trim();
  }

  function close(field) {
    var list = listFor(field);
    list.hidden = true;
    list.innerHTML = "";
    field.setAttribute("aria-expanded", "false");
    field.removeAttribute("aria-activedescendant");
  }

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll(".people-option"));
  }

  function highlight(field, index) {
    var list = listFor(field);
    var opts = options(list);
    opts.forEach(function (o, i) {
      var on = i === index;
      o.classList.toggle("active", on);
      o.setAttribute("aria-selected", on ? "true" : "false");
      if (on) {
        field.setAttribute("aria-activedescendant", o.id);
        o.scrollIntoView({ block: "nearest" });
      }
    });
    list.dataset.index = String(index);
  }

  function take(field, option) {
    var name = option.dataset.username;
    if (field.dataset.peopleMode === "mention") {
      var cursor = field.selectionStart;
      var upto = field.value.slice(0, cursor);
      var m = MENTION_BEFORE_CURSOR.exec(upto);
      if (m) {
        var start = cursor - m[2].length;
        var after = field.value.slice(cursor);
        var insert = name + (/^\s/.test(after) ? "" : " ");
        field.value = field.value.slice(0, start) + insert + after;
        var at = start + insert.length;
        field.setSelectionRange(at, at);
      }
    } else {
      field.value = name;
    }
    close(field);
    field.focus();
  }

  function search(field) {
    var term = query(field);
    if (term === null || (field.dataset.peopleMode !== "mention" && term === "")) {
      close(field);
      return;
    }
    var mine = ++serial;
    var url = field.dataset.peopleUrl + "?q=" + encodeURIComponent(term);
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (mine !== serial) return; // an answer to an older keystroke
        var list = listFor(field);
        list.innerHTML = html;
        list.hidden = !html.trim();
        field.setAttribute("aria-expanded", list.hidden ? "false" : "true");
        highlight(field, options(list).length ? 0 : -1);
      })
      .catch(function () { close(field); });
  }

  document.addEventListener("input", function (e) {
    var field = e.target;
    if (!field.dataset || !field.dataset.peopleUrl) return;
    clearTimeout(timer);
    timer = setTimeout(function () { search(field); }, 150);
  });

  document.addEventListener("keydown", function (e) {
    var field = e.target;
    if (!field.dataset || !field.dataset.peopleUrl) return;
    var list = listFor(field);
    if (list.hidden) return;
    var opts = options(list);
    var index = parseInt(list.dataset.index || "-1", 10);
    if (e.key === "ArrowDown" && opts.length) {
      e.preventDefault();
      highlight(field, (index + 1) % opts.length);
    } else if (e.key === "ArrowUp" && opts.length) {
      e.preventDefault();
      highlight(field, (index - 1 + opts.length) % opts.length);
    } else if ((e.key === "Enter" || e.key === "Tab") && index >= 0 && opts[index]) {
      e.preventDefault();
      take(field, opts[index]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      close(field);
    }
  });

  document.addEventListener("mousedown", function (e) {
    var option = e.target.closest && e.target.closest(".people-option");
    if (!option) return;
    var list = option.closest(".people-options");
    var field = list && document.querySelector('[aria-controls="' + list.id + '"]');
    if (!field) return;
    e.preventDefault(); // keep the focus (and the cursor) in the field
    take(field, option);
  });

  document.addEventListener("focusout", function (e) {
    var field = e.target;
    if (!field.dataset || !field.dataset.peopleUrl) return;
    setTimeout(function () {
      if (document.activeElement !== field) close(field);
    }, 150);
  });
})();
