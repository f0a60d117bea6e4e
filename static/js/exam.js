// Exam page: countdown and keyboard shortcuts. The server owns the clock; this
// only displays the time it reports and submits when it runs out.
(function () {
  "use strict";
  var endsAt = null;

  function readRemaining() {
    var timer = document.getElementById("timer");
    if (!timer) return;
    var seconds = parseInt(timer.getAttribute("data-remaining"), 10);
    if (!isNaN(seconds)) endsAt = Date.now() + seconds * 1000;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var timer = document.getElementById("timer");
    if (!timer || endsAt === null) return;
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var value = timer.querySelector(".timer__value");
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    if (value) value.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    timer.classList.toggle("timer--low", left <= 300);
    if (left === 0) {
      endsAt = null;
      var form = document.getElementById(timer.getAttribute("data-submit-form"));
      if (form) form.submit();
    }
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && target.type === "text"))) return;
    var form = document.getElementById("answer-form");
    if (!form) return;
    if (/^[1-9]$/.test(event.key)) {
      var input = form.querySelector('input[data-key="' + event.key + '"]');
      if (input) { input.click(); input.focus(); event.preventDefault(); }
    } else if (event.key === "f" || event.key === "F") {
      var flag = document.getElementById("flagged");
      if (flag) { flag.click(); event.preventDefault(); }
    } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      // The hint promises that ← → move between questions, so they do even on a
      // focused radio (whose native arrow would pick the next choice and save it).
      // ↑ ↓ still move between choices.
      var nav = form.querySelector('[data-nav="' + (event.key === "ArrowRight" ? "next" : "prev") + '"]');
      event.preventDefault(); // on the last question → does nothing, never changes a choice
      if (nav) nav.click();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    readRemaining();
    tick();
    setInterval(tick, 1000);
    document.addEventListener("keydown", onKey);
  });
  // Every saved answer brings the server's remaining time back with it.
  document.addEventListener("htmx:afterSettle", function () { readRemaining(); tick(); });
})();
