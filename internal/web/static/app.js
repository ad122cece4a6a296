// Progressive enhancement only: pages work without this file.
// Tables with class "sortable" get header buttons that sort by each cell's
// data-sort value (numbers) or its text.
(function () {
  "use strict";
  // key reads a cell's data-sort, else its text; numbers written the
  // Danish or English way ("1.234,5", "1,234.5", "12 %") sort as numbers.
  function key(cell) {
    if (!cell || cell.classList.contains("nodata")) return "";
    var v = cell.getAttribute("data-sort");
    if (v !== null && v !== "" && !isNaN(Number(v))) return Number(v);
    var t = (v || cell.textContent || "").trim();
    var lang = document.documentElement.lang;
    var n = t.replace(/[\s\u00a0%]|mio\.|mia\.|kr\.|EUR|USD|DKK/g, "");
    n = lang === "da" ? n.replace(/\./g, "").replace(",", ".") : n.replace(/,/g, "");
    if (n !== "" && /^-?[0-9]+(\.[0-9]+)?$/.test(n)) return Number(n);
    return t.toLowerCase();
  }
  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return -1;
    if (typeof b === "number") return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // columnHeads maps each column to the header cell that names it alone:
  // the lowest cell covering it with colspan 1 (rowspan and colspan read).
  function columnHeads(head) {
    var grid = [];
    Array.prototype.forEach.call(head.rows, function (tr, r) {
      grid[r] = grid[r] || [];
      var c = 0;
      Array.prototype.forEach.call(tr.cells, function (cell) {
        while (grid[r][c]) c++;
        for (var i = 0; i < cell.rowSpan; i++) {
          for (var j = 0; j < cell.colSpan; j++) {
            grid[r + i] = grid[r + i] || [];
            grid[r + i][c + j] = cell;
          }
        }
        c += cell.colSpan;
      });
    });
    var cols = [];
    grid.forEach(function (row) {
      row.forEach(function (cell, c) { if (cell.colSpan === 1) cols[c] = cell; });
    });
    return cols;
  }
  function enhance(table) {
    var head = table.tHead;
    if (!head || !table.tBodies[0]) return;
    var heads = columnHeads(head);
    heads.forEach(function (th, col) {
      if (!th) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (o) { if (o) o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var a = key(r1.cells[col]), b = key(r2.cells[col]);
          // Empty cells (no data) go last either way.
          if (a === "" || b === "") return (a === "") - (b === "");
          var c = compare(a, b);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  document.querySelectorAll("table.sortable").forEach(enhance);
})();
