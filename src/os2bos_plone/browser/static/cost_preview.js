/*
 * "Hvad koster det?": the live cost preview of the activity add and edit forms.
 *
 * Reads the z3c.form fields (form.widgets.<name>), maps them to the REST field names of
 * docs/api.md and POSTs them as JSON to <appropriation>/@bos-cost-preview (cookie session: the
 * form's _authenticator token goes in X-CSRF-TOKEN). The answer's decimal strings are only
 * re-formatted for display, never computed with: all money is the server's. UI texts come from
 * the panel's data-texts attribute (translated on the server). Also filters the service choices
 * by activity type and puts the chosen service's preferred providers first.
 *
 * Plain ES2017, no build step.
 */
(function () {
  "use strict";

  var PREFIX = "form.widgets.";
  var NO_VALUE = "--NOVALUE--";
  var DELAY = 250;
  var MONEY_FIELDS = [
    "per_payment_amount",
    "this_year",
    "next_year",
    "total_cost",
    "annual_cost",
  ];
  var DATE_FIELDS = ["first_payment", "last_payment"];
  var SIMPLE_FIELDS = [
    "service",
    "activity_type",
    "start_date",
    "end_date",
    "modifies",
    "service_provider",
    "payment_type",
    "payment_frequency",
    "payment_day_of_month",
    "payment_date",
    "payment_cost_type",
    "payment_rate",
    "recipient_type",
    "recipient_id",
    "recipient_name",
    "payment_method",
  ];
  var AMOUNT_FIELDS = ["payment_amount", "payment_units"];
  var ROW_FIELDS = ["payment_prices", "individual_payments"];
  var ROW_NAME = /^form\.widgets\.(payment_prices|individual_payments)\.(\d+)\.widgets\.(\w+)$/;

  function readJSON(element, name, fallback) {
    try {
      return JSON.parse(element.getAttribute(name) || "") || fallback;
    } catch (error) {
      return fallback;
    }
  }

  function init() {
    var panel = document.getElementById("bos-cost-preview");
    if (!panel) {
      return;
    }
    var layout = panel.closest(".bos-activity-form-layout") || document;
    var form = layout.querySelector("form.bos-activity-form") || layout.querySelector("form");
    if (!form) {
      return;
    }
    var url = panel.getAttribute("data-url");
    var texts = readJSON(panel, "data-texts", {});
    var services = readJSON(panel, "data-services", {});
    var preferred = readJSON(panel, "data-preferred", {});
    var number = readJSON(panel, "data-number", { decimal: ",", group: "." });
    var result = panel.querySelector(".bos-cost-preview-result");
    var status = panel.querySelector(".bos-cost-preview-status");
    var figures = panel.querySelector(".bos-cost-preview-figures");
    var errorList = panel.querySelector(".bos-cost-preview-errors");

    var timer = null;
    var sequence = 0;
    var controller = null;
    var touched = false;

    // -- reading the form ----------------------------------------------------------------

    function element(name) {
      return form.elements.namedItem(PREFIX + name + ":list") || form.elements.namedItem(PREFIX + name);
    }

    function valueOf(name) {
      var input = element(name);
      if (!input || input.value === undefined) {
        return null;
      }
      var value = String(input.value).trim();
      return value === "" || value === NO_VALUE ? null : value;
    }

    // The form saves amounts with the request locale's symbols (z3c.form), so the preview reads
    // them the same way: "10.000,50" -> "10000.50". Text the server cannot read goes as typed.
    function amount(text) {
      if (text === null || text === undefined) {
        return null;
      }
      var value = String(text).trim().split(" ").join("").split("\u00a0").join("");
      if (value === "") {
        return null;
      }
      var plain = value.split(number.group).join("").split(number.decimal).join(".");
      return /^-?\d+(\.\d+)?$/.test(plain) ? plain : value;
    }

    // Dates are typed in the Danish style (browser/widgets.py: 01.12.2026, 1.12.2026,
    // 01122026, 2026-12-01); the service reads ISO dates. Text that is no date goes as typed,
    // so the service names the field.
    function isoDate(text) {
      if (text === null || text === undefined) {
        return null;
      }
      var value = String(text).trim();
      var match = /^(\d{1,2})[.\-/ ](\d{1,2})[.\-/ ](\d{4})$/.exec(value) || /^(\d{2})(\d{2})(\d{4})$/.exec(value);
      if (match) {
        var pad = function (part) {
          return part.length === 1 ? "0" + part : part;
        };
        return match[3] + "-" + pad(match[2]) + "-" + pad(match[1]);
      }
      return value === "" ? null : value;
    }

    function rows(fieldName) {
      var byIndex = {};
      Array.prototype.forEach.call(form.elements, function (input) {
        var match = ROW_NAME.exec(input.name || "");
        if (!match || match[1] !== fieldName) {
          return;
        }
        var row = (byIndex[match[2]] = byIndex[match[2]] || {});
        var value = String(input.value || "").trim();
        var key = match[3];
        row[key] = key === "amount" ? amount(value) : /date/.test(key) ? isoDate(value) : value || null;
      });
      return Object.keys(byIndex)
        .sort(function (a, b) {
          return Number(a) - Number(b);
        })
        .map(function (key) {
          return byIndex[key];
        })
        .filter(function (row) {
          return Object.keys(row).some(function (key) {
            return row[key] !== null;
          });
        });
    }

    function fields() {
      var data = {};
      SIMPLE_FIELDS.forEach(function (name) {
        data[name] = valueOf(name);
      });
      AMOUNT_FIELDS.forEach(function (name) {
        data[name] = amount(valueOf(name));
      });
      ["start_date", "end_date", "payment_date"].forEach(function (name) {
        data[name] = isoDate(valueOf(name));
      });
      ROW_FIELDS.forEach(function (name) {
        data[name] = rows(name);
      });
      var fictive = element("fictive");
      data.fictive = Boolean(fictive && fictive.checked);
      return data;
    }

    function hasPlan(data) {
      return Boolean(
        data.start_date || data.payment_date || (data.individual_payments || []).length
      );
    }

    function token() {
      var input =
        form.querySelector('input[name="_authenticator"]') ||
        document.querySelector('input[name="_authenticator"]');
      return input ? input.value : "";
    }

    // -- showing the answer --------------------------------------------------------------

    function money(text) {
      if (text === null || text === undefined) {
        return null;
      }
      var match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(text));
      if (!match) {
        return String(text);
      }
      var whole = match[2].replace(/\B(?=(\d{3})+(?!\d))/g, texts.group || ".");
      var fraction = ((match[3] || "") + "00").slice(0, 2);
      var negative = match[1] && /[1-9]/.test(match[2] + fraction) ? "-" : "";
      return negative + whole + (texts.decimal || ",") + fraction + " " + (texts.currency || "");
    }

    function longDate(text) {
      var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || ""));
      var months = texts.months || [];
      if (!match || months.length !== 12) {
        return text;
      }
      return Number(match[3]) + ". " + months[Number(match[2]) - 1] + " " + match[1];
    }

    function setStatus(text) {
      status.textContent = text || "";
      status.hidden = !text;
    }

    function showFigures(answer) {
      Array.prototype.forEach.call(figures.querySelectorAll("dd[data-figure]"), function (dd) {
        var name = dd.getAttribute("data-figure");
        var value = answer[name];
        var text;
        if (MONEY_FIELDS.indexOf(name) >= 0) {
          text = value === null ? (name === "per_payment_amount" ? texts.individual : "–") : money(value);
        } else if (DATE_FIELDS.indexOf(name) >= 0) {
          text = value ? longDate(value) : texts.none;
        } else {
          text = value === null || value === undefined ? "–" : String(value);
        }
        dd.textContent = text;
      });
      showExtra("approval_level", texts.level || "Bevillingsniveau", levelText(answer.approval_level, answer.approval_rule));
      showExtra("vat", texts.vat || "Momsfaktor", answer.vat ? answer.vat.text : null);
      errorList.hidden = true;
      errorList.textContent = "";
      figures.hidden = false;
      setStatus("");
    }

    // The approval level the measure will need and the VAT factor when it changes the typed
    // amount: texts the server wrote (@bos-cost-preview), shown as lines under the figures (they
    // are longer than a figure).
    var extras = document.createElement("div");
    extras.className = "bos-cost-preview-extras";
    extras.hidden = true;
    figures.parentNode.insertBefore(extras, figures.nextSibling);

    function levelText(level, rule) {
      if (!level) {
        return null;
      }
      return rule ? level.title + " (" + rule + ")" : level.title;
    }

    function showExtra(name, label, text) {
      var line = extras.querySelector('[data-extra="' + name + '"]');
      if (!text) {
        if (line) {
          line.remove();
        }
        extras.hidden = !extras.children.length;
        return;
      }
      if (!line) {
        line = document.createElement("p");
        line.setAttribute("data-extra", name);
        var strong = document.createElement("strong");
        strong.className = "bos-extra-label";
        var span = document.createElement("span");
        span.className = "bos-extra-text";
        line.appendChild(strong);
        line.appendChild(document.createTextNode(" "));
        line.appendChild(span);
        extras.appendChild(line);
      }
      line.querySelector(".bos-extra-label").textContent = label + ":";
      line.querySelector(".bos-extra-text").textContent = text;
      extras.hidden = false;
    }

    function labelOf(field) {
      var label = form.querySelector('label[for="form-widgets-' + field + '"]');
      if (!label) {
        return "";
      }
      var clone = label.cloneNode(true);
      Array.prototype.forEach.call(clone.querySelectorAll(".required, .formHelp"), function (node) {
        node.remove();
      });
      return clone.textContent.replace(/\s+/g, " ").trim();
    }

    function showErrors(errors) {
      errorList.textContent = "";
      errors.forEach(function (error) {
        var item = document.createElement("li");
        var target = error.field ? document.getElementById("form-widgets-" + error.field) : null;
        var label = error.field ? labelOf(error.field) : "";
        if (target) {
          var link = document.createElement("a");
          link.href = "#form-widgets-" + error.field;
          link.textContent = label || error.field;
          link.addEventListener("click", function (event) {
            event.preventDefault();
            target.focus();
          });
          item.appendChild(link);
          item.appendChild(document.createTextNode(": "));
        }
        item.appendChild(document.createTextNode(error.message || ""));
        errorList.appendChild(item);
      });
      figures.hidden = true;
      extras.hidden = true;
      errorList.hidden = errors.length === 0;
      setStatus(texts.invalid);
    }

    function fail() {
      figures.hidden = true;
      extras.hidden = true;
      errorList.hidden = true;
      setStatus(texts.failed);
    }

    // -- asking the server ---------------------------------------------------------------

    function preview() {
      timer = null;
      var data = fields();
      if (!url) {
        return;
      }
      if (!touched && !hasPlan(data)) {
        setStatus(texts.waiting);
        return;
      }
      sequence += 1;
      var mine = sequence;
      if (controller) {
        controller.abort();
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      result.setAttribute("aria-busy", "true");
      panel.classList.add("bos-cost-preview-loading");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRF-TOKEN": token(),
        },
        body: JSON.stringify(data),
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (answer) {
              if (mine !== sequence) {
                return;
              }
              if (response.ok) {
                showFigures(answer);
              } else if (response.status === 400 && Array.isArray(answer.errors)) {
                showErrors(answer.errors);
              } else {
                fail();
              }
            });
        })
        .catch(function (error) {
          if (mine === sequence && !(error && error.name === "AbortError")) {
            fail();
          }
        })
        .then(function () {
          if (mine === sequence) {
            result.removeAttribute("aria-busy");
            panel.classList.remove("bos-cost-preview-loading");
          }
        });
    }

    function schedule() {
      touched = true;
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(preview, DELAY);
    }

    // -- the regelmotor's choices --------------------------------------------------------

    var serviceSelect = element("service");
    var providerSelect = element("service_provider");
    var savedService = serviceSelect ? serviceSelect.value : null;
    var savedProvider = providerSelect ? providerSelect.value : null;
    var suffix = texts.preferred ? " (" + texts.preferred + ")" : null;

    function showOption(option, show) {
      option.hidden = !show;
      option.disabled = !show;
    }

    function selectFirstShown(select) {
      var chosen = select.options[select.selectedIndex];
      if (chosen && !chosen.disabled) {
        return false;
      }
      for (var index = 0; index < select.options.length; index += 1) {
        if (!select.options[index].disabled) {
          select.selectedIndex = index;
          return true;
        }
      }
      return false;
    }

    function filterServices() {
      var offered = services[valueOf("activity_type")];
      if (!serviceSelect || !Array.isArray(offered) || !offered.length) {
        return false;
      }
      Array.prototype.forEach.call(serviceSelect.options, function (option) {
        showOption(option, offered.indexOf(option.value) >= 0 || option.value === savedService);
      });
      return selectFirstShown(serviceSelect);
    }

    function orderProviders() {
      if (!providerSelect) {
        return false;
      }
      var info = preferred[valueOf("service")] || { providers: [], only: false };
      var options = Array.prototype.slice.call(providerSelect.options);
      options.forEach(function (option) {
        if (option.getAttribute("data-title") === null) {
          var text = option.textContent;
          if (suffix && text.slice(-suffix.length) === suffix) {
            text = text.slice(0, -suffix.length);
          }
          option.setAttribute("data-title", text);
        }
      });
      var empty = options.filter(function (option) {
        return option.value === NO_VALUE;
      });
      var first = [];
      info.providers.forEach(function (uid) {
        options.forEach(function (option) {
          if (option.value === uid) {
            first.push(option);
          }
        });
      });
      var rest = options
        .filter(function (option) {
          return option.value !== NO_VALUE && first.indexOf(option) < 0;
        })
        .sort(function (a, b) {
          return a.getAttribute("data-title").localeCompare(b.getAttribute("data-title"), "da");
        });
      empty.concat(first, rest).forEach(function (option) {
        var isPreferred = first.indexOf(option) >= 0;
        option.textContent = option.getAttribute("data-title") + (isPreferred && suffix ? suffix : "");
        showOption(
          option,
          !info.only || isPreferred || option.value === NO_VALUE || option.value === savedProvider
        );
        providerSelect.appendChild(option);
      });
      return selectFirstShown(providerSelect);
    }

    // The data grids (individual payments, dated prices) label their columns in the table
    // header only: give each cell's input its column's name.
    function labelGridCells() {
      Array.prototype.forEach.call(form.querySelectorAll("table"), function (table) {
        var heads = table.querySelectorAll("thead th");
        Array.prototype.forEach.call(table.querySelectorAll("tbody td"), function (cell) {
          var match = /(?:^|\s)cell-(\d+)(?:\s|$)/.exec(cell.className);
          var head = match ? heads[Number(match[1]) - 1] : null;
          var title = head ? head.querySelector("label span") : null;
          if (!title) {
            return;
          }
          cell.querySelectorAll("input, select, textarea").forEach(function (input) {
            if (input.type !== "hidden" && !input.getAttribute("aria-label")) {
              input.setAttribute("aria-label", title.textContent.trim());
            }
          });
        });
      });
    }

    // -- wiring ---------------------------------------------------------------------------

    form.addEventListener("input", schedule);
    form.addEventListener("change", function (event) {
      var name = (event.target && event.target.name) || "";
      if (name === PREFIX + "activity_type:list") {
        filterServices();
        orderProviders();
      } else if (name === PREFIX + "service:list") {
        orderProviders();
      }
      schedule();
    });
    // Rows added or removed in the data grids (individual payments, dated prices).
    if (typeof MutationObserver === "function") {
      var observer = new MutationObserver(function (mutations) {
        var rowsChanged = mutations.some(function (mutation) {
          return mutation.addedNodes.length || mutation.removedNodes.length;
        });
        if (rowsChanged) {
          labelGridCells();
        }
        if (rowsChanged && touched) {
          schedule();
        }
      });
      Array.prototype.forEach.call(form.querySelectorAll(".datagridwidget-body"), function (body) {
        observer.observe(body, { childList: true });
      });
    }

    labelGridCells();
    filterServices();
    orderProviders();
    setStatus(texts.waiting);
    if (hasPlan(fields())) {
      preview();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
