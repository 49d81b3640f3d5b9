// kesu at phone width: label the cells of .table-cards tables from their header, so each row reads as a card.
(function () {
  "use strict";

  function headerText(th) {
    if (th.hasAttribute("data-card-label")) return th.getAttribute("data-card-label");
    var copy = th.cloneNode(true);
    copy.querySelectorAll(".visually-hidden, [aria-hidden='true']").forEach(function (el) { el.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function labelTable(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (th) {
      var text = headerText(th);
      for (var i = 0; i < (th.colSpan || 1); i++) labels.push(text);
    });
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) bodies.push(table.tFoot);
    bodies.forEach(function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var span = cell.colSpan || 1;
          if (!cell.hasAttribute("data-label")) {
            // A cell across several columns (an empty-list message, a total) has no single header.
            cell.setAttribute("data-label", span > 1 ? "" : labels[column] || "");
          }
          column += span;
        });
      });
    });
  }

  function labelAll() {
    document.querySelectorAll("table.table-cards").forEach(labelTable);
  }

  document.addEventListener("DOMContentLoaded", labelAll);
  document.addEventListener("htmx:afterSwap", labelAll);
  document.addEventListener("htmx:load", labelAll);
  if (document.readyState !== "loading") labelAll();
})();
