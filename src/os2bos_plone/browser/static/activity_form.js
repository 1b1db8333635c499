/* The activity form shows only the payment plan fields of the chosen payment type, cost type
 * and frequency (the table comes from engine.activity_rules.plan_fields_in_use, written into
 * data-plan-fields by the form), and choosing a provider fills in the recipient.
 *
 * A hidden field is emptied when the form is sent, so a value typed before the type changed is
 * not saved (the server refuses values a plan does not use). A field the server marked with an
 * error stays visible. Without JavaScript every field shows, and the server still decides. */
(function () {
  "use strict";

  var PREFIX = "form-widgets-";
  // Rows of these grids are not plain inputs; the server reports any left behind.
  var GRIDS = ["payment_prices", "individual_payments"];
  var NO_VALUE = "--NOVALUE--";

  function input(name) {
    return document.getElementById(PREFIX + name);
  }

  function wrapper(name) {
    return document.getElementById("formfield-" + PREFIX + name);
  }

  function valueOf(name) {
    var element = input(name);
    if (!element) {
      return "";
    }
    var value = element.value || "";
    return value === NO_VALUE ? "" : value;
  }

  function isEmpty(element) {
    return !element.value || element.value === NO_VALUE;
  }

  function setValue(element, value) {
    element.value = value;
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function planFields(layout) {
    var table = JSON.parse(layout.getAttribute("data-plan-fields") || "{}");
    var all = {};
    Object.keys(table).forEach(function (key) {
      table[key].forEach(function (name) {
        all[name] = true;
      });
    });

    function apply() {
      var key = [valueOf("payment_type"), valueOf("payment_cost_type"), valueOf("payment_frequency")].join("|");
      var used = {};
      (table[key] || table["||"] || []).forEach(function (name) {
        used[name] = true;
      });
      Object.keys(all).forEach(function (name) {
        var box = wrapper(name);
        if (box) {
          box.hidden = !(used[name] || box.classList.contains("error"));
        }
      });
    }

    ["payment_type", "payment_cost_type", "payment_frequency"].forEach(function (name) {
      var element = input(name);
      if (element) {
        element.addEventListener("change", apply);
      }
    });
    apply();

    var form = layout.querySelector("form");
    if (form) {
      form.addEventListener("submit", function () {
        Object.keys(all).forEach(function (name) {
          var box = wrapper(name);
          if (!box || !box.hidden || GRIDS.indexOf(name) !== -1) {
            return;
          }
          box.querySelectorAll("input, select, textarea").forEach(function (element) {
            if (element.type === "hidden" || element.type === "checkbox" || element.type === "radio") {
              return;
            }
            if (element.tagName === "SELECT") {
              var none = element.querySelector('option[value="' + NO_VALUE + '"]');
              element.value = none ? NO_VALUE : "";
            } else {
              element.value = "";
            }
          });
        });
      });
    }
  }

  function providerFillsRecipient(layout) {
    var providers = JSON.parse(layout.getAttribute("data-providers") || "{}");
    var provider = input("service_provider");
    if (!provider) {
      return;
    }
    var fields = {
      recipient_type: function () {
        return "company";
      },
      recipient_id: function (info) {
        return info.cvr;
      },
      recipient_name: function (info) {
        return info.name;
      },
      payment_method: function () {
        return "invoice";
      },
    };
    // What the case worker chose or typed, or what was saved, is never overwritten; on a new
    // activity a select's first choice is only the widget's default.
    var isNew = layout.getAttribute("data-new") === "1";
    Object.keys(fields).forEach(function (name) {
      var element = input(name);
      if (!element) {
        return;
      }
      var defaulted = isNew && element.tagName === "SELECT";
      if (!isEmpty(element) && !defaulted) {
        element.dataset.bosTouched = "1";
      }
      element.addEventListener("input", function () {
        element.dataset.bosTouched = "1";
      });
    });
    provider.addEventListener("change", function () {
      var info = providers[provider.value];
      if (!info) {
        return;
      }
      Object.keys(fields).forEach(function (name) {
        var element = input(name);
        var value = fields[name](info);
        if (element && value && !element.dataset.bosTouched) {
          setValue(element, value);
        }
      });
    });
  }

  function init() {
    var layout = document.querySelector(".bos-activity-form-layout[data-plan-fields]");
    if (!layout) {
      return;
    }
    planFields(layout);
    providerFillsRecipient(layout);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
