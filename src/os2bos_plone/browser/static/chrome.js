/* Plone's chrome, accessible (axe on every screen, tests/ui/test_every_screen.py):
   - the toolbar's pin/unpin links have no href: buttons for assistive technology;
   - the theme's off-canvas navigation is labelled but has no role: a dialog;
   - select2's "remove" links of a chosen value have no text: "Fjern";
   - the data grid's required mark in a column heading says "Required" (its template has no
     i18n domain, so no catalog can translate it): "Påkrævet". */
(function () {
  "use strict";

  function fix(root) {
    root.querySelectorAll("a.toolbar-collapse:not([href]), a.toolbar-expand:not([href])")
      .forEach(function (link) {
        if (!link.hasAttribute("role")) {
          link.setAttribute("role", "button");
          link.setAttribute("tabindex", "0");
        }
      });
    var offcanvas = root.querySelector ? root.querySelector("#offcanvasNavbar:not([role])") : null;
    if (offcanvas) {
      offcanvas.setAttribute("role", "dialog");
    }
    root.querySelectorAll("a.select2-search-choice-close:not([aria-label])").forEach(function (link) {
      link.setAttribute("aria-label", "Fjern");
    });
    root.querySelectorAll(".required[title='Required']").forEach(function (mark) {
      mark.setAttribute("title", "Påkrævet");
    });
  }

  function start() {
    fix(document);
    // select2 draws its choices after the patterns start, and again on every change.
    new MutationObserver(function () { fix(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
