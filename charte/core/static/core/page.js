// What every page does for itself, loaded right after the header (before the page is drawn).
(function () {
  // The site menu is a <details> element, sent open so that it works without JavaScript. On a
  // wide screen it stays open and its button is hidden; on a phone it starts closed, behind the
  // "Menu" button, and Escape closes it.
  var menu = document.querySelector("[data-site-menu]");
  if (menu) {
    var wide = window.matchMedia("(min-width: 60rem)");
    var follow = function () { menu.open = wide.matches; };
    follow();
    wide.addEventListener("change", follow);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  // A table wider than its box scrolls inside its .table-wrap: that box then takes the
  // keyboard's focus, so that it can be scrolled without a mouse (and only then: a table that
  // fits is not one more stop for the Tab key). It is named after the table's caption, or the
  // heading above it.
  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var section = box.closest("section, .card, main");
    var heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : document.title;
  }
  function focusable() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.tabIndex = 0;
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", nameOf(box));
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusable);
  } else {
    focusable();
  }
  window.addEventListener("resize", focusable);
})();
