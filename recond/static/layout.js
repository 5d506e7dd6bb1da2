// Every page's layout on a narrow screen (WCAG 1.4.10, reflow from 320 px): the main menu folds
// behind a "Menu" button, and each table scrolls inside its own box rather than the whole page.
// Loaded in <head> so the menu is folded before the first paint; without this script the menu
// simply wraps and wide tables scroll by CSS alone (recond.css, "html:not(.js)").
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!toggle || !menu) return;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
    // Escape closes the open menu and gives the focus back to its button.
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        toggle.click();
        toggle.focus();
      }
    });
  }

  // A table wider than the screen scrolls in a box that keyboard users can reach and scroll
  // (tabindex), and that a screen reader names (a region labelled by the table's caption).
  // The box becomes a stop in the tab order only while it actually scrolls.
  var boxes = [];
  // A box's width, or its table's, may still change after it is wrapped (a grid settling,
  // a chart beside it laid out): whether it scrolls is asked again each time.
  var watcher = "ResizeObserver" in window ? new ResizeObserver(function () {
    markScrolling();
  }) : null;

  function labelOf(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var section = table.closest("section");
    var heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : document.title;
  }

  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      // A page that wrapped its table itself (a .table-scroll box) names it as it means to.
      if (table.parentElement.classList.contains("table-scroll")) return;
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
      // Named apart from the section around it (two landmarks never share a name).
      var name = document.body.dataset.tableRegion || "{table}";
      box.dataset.label = name.replace("{table}", labelOf(table));
      boxes.push(box);
      if (watcher) {
        watcher.observe(box);
        watcher.observe(table);
      }
    });
    markScrolling();
  }

  function markScrolling() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", box.dataset.label);
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(markScrolling);
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    wrapTables();
  });
  window.addEventListener("load", function () { markScrolling(); });
})();
