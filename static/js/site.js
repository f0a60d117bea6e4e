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

  // While the database is away the server answers 503 with a short alert
  // (templates/503.html). htmx doesn't swap error replies, so show the alert
  // beside what the learner just used, and take it away once a request succeeds.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var target = event.detail && event.detail.target;
    if (!xhr || xhr.status !== 503 || !target) return;
    var old = document.getElementById("database-unavailable");
    if (old) old.remove();
    target.insertAdjacentHTML("beforebegin", xhr.responseText);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var alert = document.getElementById("database-unavailable");
    if (alert && event.detail && event.detail.successful) alert.remove();
  });

  // A "Choose 3" question says how many ticks are still missing (or too many)
  // before the learner checks it; the server refuses a wrong count either way.
  document.addEventListener("change", function (event) {
    var fieldset = event.target.closest && event.target.closest("fieldset[data-choose]");
    var hint = fieldset && fieldset.querySelector("[data-choice-count]");
    if (!hint) return;
    var choose = parseInt(fieldset.getAttribute("data-choose"), 10);
    var picked = fieldset.querySelectorAll("input:checked").length;
    hint.textContent = !picked || picked === choose ? ""
      : picked < choose ? "Choose " + (choose - picked) + " more: this question needs " + choose + " answers."
      : (picked - choose) + " too many: this question needs exactly " + choose + " answers.";
  });

  // A service loaded into the matrix's panel is marked in the picker and the
  // grid's headings, so learners (and screen readers) know which one is shown.
  document.addEventListener("htmx:afterRequest", function (event) {
    var link = event.detail && event.detail.elt;
    var selector = 'a[hx-target="#service-panel"]';
    if (!event.detail.successful || !link || !link.matches || !link.matches(selector)) return;
    var path = link.getAttribute("href");
    document.querySelectorAll(selector).forEach(function (other) {
      if (other.getAttribute("href") === path) other.setAttribute("aria-current", "true");
      else other.removeAttribute("aria-current");
    });
  });

  // The browser's time zone. "Reviews due today" on the dashboard ends at the
  // learner's midnight: the server reads this cookie while they have chosen no zone
  // in their settings (and ignores a name it doesn't know). On the settings page a
  // time-zone select still on "Not chosen" is set to it, so saving keeps it.
  // Without JavaScript the day is UTC's until the learner chooses a zone.
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    zone = "";
  }
  if (/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) {
    var cookie = "tz=" + zone;
    if (document.cookie.split("; ").indexOf(cookie) === -1) {
      document.cookie = cookie + "; path=/; max-age=31536000; SameSite=Lax" +
        (location.protocol === "https:" ? "; Secure" : "");
    }
    var select = document.querySelector("select[data-browser-time-zone]");
    if (select && !select.value) {
      for (var i = 0; i < select.options.length; i += 1) {
        if (select.options[i].value === zone) {
          select.value = zone;
          break;
        }
      }
    }
  }
})();
