/* The payment office screen (@@bos-payments): selecting payments to register and the question
   before registering payments that are not due yet (its headers sort by table_sort.js, as every
   list's). Plain JavaScript, no framework; without it the server asks for the confirmation. */
(function () {
  "use strict";

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
    var form = document.getElementById("bos-register-many");
    if (form) { setUpRegister(form); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
