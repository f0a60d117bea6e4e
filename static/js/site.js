// Small progressive enhancements; the site works without this file.
(function () {
  "use strict";
  // After htmx swaps new content in, move keyboard and screen-reader focus to
  // its heading so the change is announced and Tab continues from there.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!target || !target.querySelector) return;
    var heading = target.matches("[data-focus-after-swap]")
      ? target
      : target.querySelector("[data-focus-after-swap]");
    if (heading) heading.focus();
  });
})();
