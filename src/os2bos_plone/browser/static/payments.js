/* The payment office screen (@@bos-payments): selecting payments to register and the question
   before registering payments that are not due yet (its headers sort by table_sort.js, as every
   list's). Plain JavaScript, no framework; without it the server asks for the confirmation. */
(function () {
  "use strict";

  /* The ISO form (2026-12-01) of a date typed as the server reads it: 01.12.2026, 1.12.2026,
     01122026 or ISO (engine.formatting.parse_date_da); "" when it is none of them. */
  function isoDate(text) {
    var value = (text || "").trim();
    var match = /^(\d{1,2})[.\-\/ ](\d{1,2})[.\-\/ ](\d{4})$/.exec(value) ||
      /^(\d{2})(\d{2})(\d{4})$/.exec(value);
    if (match) {
      return match[3] + "-" + ("0" + match[2]).slice(-2) + "-" + ("0" + match[1]).slice(-2);
    }
    match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
    if (match) {
      return match[1] + "-" + ("0" + match[2]).slice(-2) + "-" + ("0" + match[3]).slice(-2);
    }
    return "";
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
      var typed = paid ? isoDate(paid.value) : "";
      var limit = typed && typed < today ? typed : today;
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
    var form = document.getElementById("bos-register-many");
    if (form) { setUpRegister(form); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
