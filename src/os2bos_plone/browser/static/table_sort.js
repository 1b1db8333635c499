/* Sortable headers for every list of the product: the one sorting of all its screens.

   Progressive enhancement: a table marked data-bos-sortable gets a button in each header of
   its thead (keyboard reachable, named by the header); clicking it sorts the rows ascending,
   again descending, and the sorted header carries aria-sort. Without JavaScript the table
   keeps the server's order.

   What a cell sorts by: its data-sort-value, else the datetime of a single <time> in it,
   else its text. Danish values are read as such: amounts "1.234,50 kr.", numbers "12",
   "3,5 %", dates "01.04.2026" (with a time "01.04.2026 14.03"), "1. april 2026" and periods
   "1. april 2026 – 31. marts 2027" (by their start). A column whose cells are all numbers, or
   all dates, sorts by value; any other column by its text with Danish collation (æ, ø, å
   after z). A header's data-sort="number|date|text" forces the kind, data-sort="none" (or a
   header without text) leaves the column unsorted.

   Rows that stay put: the tfoot (totals) is never touched; a row of one cell spanning the
   table (a group heading) stays where it is and the rows between two such headings sort among
   themselves; a row marked data-sort-child (or of class bos-depth-1, -2, ...) moves with the
   row above it. */
(function () {
  "use strict";

  var MONTHS = {
    januar: 1, februar: 2, marts: 3, april: 4, maj: 5, juni: 6, juli: 7, august: 8,
    september: 9, oktober: 10, november: 11, december: 12
  };
  var TIME = "(?:,?\\s+(?:kl\\.\\s*)?(\\d{1,2})[.:](\\d{2})(?:[.:](\\d{2}))?)?";
  var NUMERIC_DATE = "(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})" + TIME;
  var TEXT_DATE = "(\\d{1,2})\\.\\s*([a-zæøå]+)\\s+(\\d{4})" + TIME;
  var ISO_DATE = "(\\d{4})-(\\d{2})-(\\d{2})(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2}))?)?";
  // A period "A – B" sorts by its start.
  var RANGE = "(?:\\s*[–-]\\s*.*)?";
  var NUMERIC_DATE_RE = new RegExp("^" + NUMERIC_DATE + RANGE + "$");
  var TEXT_DATE_RE = new RegExp("^" + TEXT_DATE + RANGE + "$", "i");
  var ISO_DATE_RE = new RegExp("^" + ISO_DATE + "(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?$");
  // Danish numbers: "." groups thousands, "," is the decimal mark; a unit may follow.
  var DANISH_NUMBER_RE = /^([-−+]?)\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*(?:kr\.?|%|dage?|timer?|stk\.?)?$/i;
  // A machine value (data-sort-value): "1234.50", "-3".
  var PLAIN_NUMBER_RE = /^[-+]?\d+(?:\.\d+)?$/;
  var EMPTY_RE = /^[–—-]?$/;
  var collator = new Intl.Collator("da", { numeric: true, sensitivity: "base" });

  function clean(text) {
    return text.replace(/\u00a0/g, " ").replace(/\s+/g, " ").trim();
  }

  function timestamp(year, month, day, hour, minute, second) {
    if (month < 1 || month > 12 || day < 1 || day > 31) { return null; }
    return Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0);
  }

  /* {kind: "number" | "date" | "text" | "empty", value} of one cell's text. */
  function parse(text, machine) {
    var value = clean(text);
    var match;
    if (EMPTY_RE.test(value)) { return { kind: "empty", value: null }; }
    if ((match = ISO_DATE_RE.exec(value))) {
      return { kind: "date", value: timestamp(+match[1], +match[2], +match[3], +match[4], +match[5], +match[6]) };
    }
    if (machine && PLAIN_NUMBER_RE.test(value)) {
      return { kind: "number", value: parseFloat(value) };
    }
    if ((match = NUMERIC_DATE_RE.exec(value))) {
      var numeric = timestamp(+match[3], +match[2], +match[1], +match[4], +match[5], +match[6]);
      if (numeric !== null) { return { kind: "date", value: numeric }; }
    }
    if ((match = TEXT_DATE_RE.exec(value)) && MONTHS[match[2].toLowerCase()]) {
      return {
        kind: "date",
        value: timestamp(+match[3], MONTHS[match[2].toLowerCase()], +match[1], +match[4], +match[5], +match[6])
      };
    }
    if ((match = DANISH_NUMBER_RE.exec(value))) {
      var number = parseFloat(match[2].replace(/\./g, "") + "." + (match[3] || "0"));
      return { kind: "number", value: match[1] && match[1] !== "+" ? -number : number };
    }
    return { kind: "text", value: value };
  }

  function cellAt(row, column) {
    // The column of a cell counts the colspans before it.
    var position = 0;
    for (var i = 0; i < row.cells.length; i += 1) {
      var cell = row.cells[i];
      if (position === column) { return cell; }
      position += cell.colSpan || 1;
      if (position > column) { return null; }
    }
    return null;
  }

  function cellValue(row, column) {
    var cell = cellAt(row, column);
    if (!cell) { return { kind: "empty", value: null, text: "" }; }
    var machine = cell.getAttribute("data-sort-value");
    var times = cell.querySelectorAll("time[datetime]");
    var parsed;
    if (machine !== null) {
      parsed = parse(machine, true);
    } else if (times.length === 1) {
      parsed = parse(times[0].getAttribute("datetime"), true);
    } else {
      parsed = parse(cell.textContent, false);
    }
    parsed.text = machine !== null ? clean(machine) : clean(cell.textContent);
    return parsed;
  }

  function columnIndex(header) {
    var position = 0;
    var cells = header.parentNode.cells;
    for (var i = 0; i < cells.length && cells[i] !== header; i += 1) {
      position += cells[i].colSpan || 1;
    }
    return position;
  }

  function isHeading(row, width) {
    return row.cells.length === 1 && (row.cells[0].colSpan || 1) > 1 && width > 1;
  }

  function isChild(row) {
    return row.hasAttribute("data-sort-child") || /\bbos-depth-[1-9]/.test(row.className);
  }

  /* The rows of one tbody as runs to sort: [{fixed: row} | {blocks: [[row, child...], ...]}]. */
  function runsOf(body, width) {
    var runs = [];
    var current = null;
    Array.prototype.forEach.call(body.rows, function (row) {
      if (isHeading(row, width)) {
        runs.push({ fixed: row });
        current = null;
        return;
      }
      if (!current) {
        current = { blocks: [] };
        runs.push(current);
      }
      if (isChild(row) && current.blocks.length) {
        current.blocks[current.blocks.length - 1].push(row);
      } else {
        current.blocks.push([row]);
      }
    });
    return runs;
  }

  function sortTable(table, header, direction) {
    var column = columnIndex(header);
    var forced = header.getAttribute("data-sort");
    var width = 0;
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) { width += cell.colSpan || 1; });
    var sign = direction === "descending" ? -1 : 1;
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var runs = runsOf(body, width);
      var entries = [];
      runs.forEach(function (run) {
        (run.blocks || []).forEach(function (block, position) {
          entries.push({ block: block, position: position, sort: cellValue(block[0], column) });
        });
      });
      // One kind for the whole column: values only if every filled cell is of that kind.
      var kinds = {};
      entries.forEach(function (entry) {
        if (entry.sort.kind !== "empty") { kinds[entry.sort.kind] = true; }
      });
      var found = Object.keys(kinds);
      var kind = forced && forced !== "text" ? forced : (found.length === 1 ? found[0] : "text");
      if (forced === "text") { kind = "text"; }
      function compare(a, b) {
        var x = a.sort;
        var y = b.sort;
        var order;
        if (kind === "text") {
          order = collator.compare(x.text, y.text);
        } else {
          var xv = x.kind === kind ? x.value : null;
          var yv = y.kind === kind ? y.value : null;
          // Empty cells come first ascending, as the smallest value.
          order = xv === yv ? 0 : (xv === null ? -1 : (yv === null ? 1 : xv - yv));
        }
        return order * sign || a.position - b.position;
      }
      runs.forEach(function (run) {
        if (run.fixed) {
          body.appendChild(run.fixed);
          return;
        }
        var mine = entries.filter(function (entry) { return run.blocks.indexOf(entry.block) !== -1; });
        mine.sort(compare);
        mine.forEach(function (entry) {
          entry.block.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
    Array.prototype.forEach.call(table.querySelectorAll("thead th[aria-sort]"), function (cell) {
      if (cell !== header) { cell.removeAttribute("aria-sort"); }
    });
    header.setAttribute("aria-sort", direction);
  }

  function sortableHeaders(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) { return []; }
    var row = head.rows[head.rows.length - 1];
    var first = null;
    Array.prototype.some.call(table.tBodies, function (body) {
      return Array.prototype.some.call(body.rows, function (bodyRow) {
        if (bodyRow.cells.length > 1) { first = bodyRow; }
        return first !== null;
      });
    });
    return Array.prototype.filter.call(row.cells, function (cell) {
      // A column of form controls (checkboxes, amounts to type) is no order.
      var sample = first ? cellAt(first, columnIndex(cell)) : null;
      return cell.tagName === "TH" &&
        cell.getAttribute("data-sort") !== "none" &&
        (cell.colSpan || 1) === 1 &&
        !cell.querySelector("input, select, textarea, button, a") &&
        !(sample && sample.querySelector("input:not([type=hidden]), select, textarea")) &&
        clean(cell.textContent) !== "";
    });
  }

  function makeSortable(table) {
    if (table.getAttribute("data-bos-sorting") === "1") { return; }
    table.setAttribute("data-bos-sorting", "1");
    sortableHeaders(table).forEach(function (header) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "bos-sort";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      var arrow = document.createElement("span");
      arrow.className = "bos-sort-arrow";
      arrow.setAttribute("aria-hidden", "true");
      button.appendChild(arrow);
      header.appendChild(button);
      button.addEventListener("click", function () {
        var next = header.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sortTable(table, header, next);
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-bos-sortable]"), makeSortable);
  }

  // For tests and for screens that add a table later.
  window.bosTableSort = { start: start, parse: parse };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
