/* The payment office screen (@@bos-payments): sortable headers, selecting payments to register
   and the question before registering payments that are not due yet. Plain JavaScript, no
   framework; without it the table is in date order and the server asks for the confirmation. */
(function () {
  "use strict";

  /* -- sorting: a button in each sortable header; aria-sort on the sorted one ---------------- */
  function sortValue(row, index, kind) {
    var cell = row.cells[index];
    var value = cell ? (cell.getAttribute("data-sort-value") || cell.textContent.trim()) : "";
    if (kind === "number") {
      var number = parseFloat(value);
      return isNaN(number) ? 0 : number;
    }
    return value.toLowerCase();
  }

  function sortTable(table, header, direction) {
    var index = Array.prototype.indexOf.call(header.parentNode.cells, header);
    var kind = header.getAttribute("data-sort");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var collator = new Intl.Collator("da", { numeric: true, sensitivity: "base" });
    rows.forEach(function (row, position) { row._bosPosition = position; });
    rows.sort(function (a, b) {
      var x = sortValue(a, index, kind);
      var y = sortValue(b, index, kind);
      var order = kind === "number" ? x - y : collator.compare(x, y);
      return (order || a._bosPosition - b._bosPosition) * (direction === "descending" ? -1 : 1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) {
      if (cell !== header) { cell.removeAttribute("aria-sort"); }
    });
    header.setAttribute("aria-sort", direction);
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th[data-sort]");
    Array.prototype.forEach.call(headers, function (header) {
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

  /* -- selecting and registering ------------------------------------------------------------ */
  function setUpRegister(form) {
    var boxes = form.querySelectorAll("input.bos-select-row");
    var all = form.querySelector("input.bos-select-all");
    var count = form.querySelector(".bos-selected-count");
    var button = form.querySelector("#bos-pay-register");
    var template = form.getAttribute("data-count-text") || "";

    function checked() {
      return Array.prototype.filter.call(boxes, function (box) { return box.checked; });
    }

    function update() {
      var selected = checked().length;
      if (count) {
        count.textContent = selected ? template.replace("{count}", selected) : "";
      }
      if (all) {
        all.checked = selected > 0 && selected === boxes.length;
        all.indeterminate = selected > 0 && selected < boxes.length;
      }
      if (button) { button.disabled = selected === 0; }
    }

    Array.prototype.forEach.call(boxes, function (box) {
      box.addEventListener("change", update);
    });
    if (all) {
      all.addEventListener("change", function () {
        Array.prototype.forEach.call(boxes, function (box) { box.checked = all.checked; });
        update();
      });
    }
    form.addEventListener("submit", function (event) {
      var paid = form.querySelector("input[name='paid_date']");
      var today = form.getAttribute("data-today") || "";
      var limit = paid && paid.value && paid.value < today ? paid.value : today;
      var early = checked().filter(function (box) {
        var row = box.closest("tr");
        return row && row.getAttribute("data-due") > limit;
      });
      var old = form.querySelector("input[name='confirm'][type='hidden']");
      if (old) { old.parentNode.removeChild(old); }
      if (!early.length) { return; }
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        return;
      }
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirm";
      confirmed.value = "1";
      form.appendChild(confirmed);
    });
    update();
  }

  function start() {
    Array.prototype.forEach.call(
      document.querySelectorAll("table[data-bos-sortable]"), makeSortable
    );
    var form = document.getElementById("bos-register-many");
    if (form) { setUpRegister(form); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
