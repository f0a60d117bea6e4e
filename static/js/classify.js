// Classify drill: drag duty cards into AWS, Customer or Shared. Each card keeps
// its <select>, which stays the single source of truth: a card follows its
// select, and dropping a card sets the select. Keyboard and screen-reader users
// use the selects; without JavaScript the selects alone make the form work.
(function () {
  "use strict";

  function zoneList(board, owner) {
    var zone = board.querySelector('[data-zone="' + owner + '"]') ||
      board.querySelector('[data-zone=""]');
    return zone.querySelector("[data-zone-list]");
  }

  function zoneLabel(zone) {
    var title = zone.querySelector(".sort-zone__title .owner");
    return title ? title.textContent.trim() : "not sorted yet";
  }

  function updateCounts(board) {
    board.querySelectorAll("[data-zone]").forEach(function (zone) {
      var count = zone.querySelectorAll("[data-duty]").length;
      var label = zone.querySelector("[data-zone-count]");
      if (label) label.textContent = "(" + count + ")";
      zone.classList.toggle("sort-zone--empty", count === 0);
    });
  }

  // Moves the card to the zone its select names, keeping stack order within it.
  function place(board, card) {
    var select = card.querySelector("select");
    var list = zoneList(board, select.value);
    if (card.parentElement !== list) {
      var hadFocus = card.contains(document.activeElement) ? document.activeElement : null;
      var order = Number(card.getAttribute("data-order"));
      var before = Array.prototype.find.call(list.children, function (other) {
        return Number(other.getAttribute("data-order")) > order;
      });
      list.insertBefore(card, before || null);
      // Moving an element drops its focus; give it back so Tab order isn't lost.
      if (hadFocus) hadFocus.focus();
    }
    updateCounts(board);
  }

  function syncAll(board) {
    board.querySelectorAll("[data-duty]").forEach(function (card) { place(board, card); });
  }

  function clearHighlights(board) {
    board.querySelectorAll(".sort-zone--over").forEach(function (zone) {
      zone.classList.remove("sort-zone--over");
    });
  }

  function setUp(board) {
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    board.appendChild(status);

    board.querySelectorAll("[data-duty]").forEach(function (card) {
      card.setAttribute("draggable", "true");
      card.classList.add("duty--draggable");
    });

    board.addEventListener("change", function (event) {
      var card = event.target.closest("[data-duty]");
      if (card && event.target.tagName === "SELECT") place(board, card);
    });

    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest("[data-duty]");
      if (!card) return;
      event.dataTransfer.setData("text/plain", card.id);
      event.dataTransfer.effectAllowed = "move";
      card.classList.add("duty--dragging");
    });

    board.addEventListener("dragend", function (event) {
      var card = event.target.closest && event.target.closest("[data-duty]");
      if (card) card.classList.remove("duty--dragging");
      clearHighlights(board);
    });

    board.querySelectorAll("[data-zone]").forEach(function (zone) {
      zone.addEventListener("dragover", function (event) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        zone.classList.add("sort-zone--over");
      });
      zone.addEventListener("dragleave", function (event) {
        if (!zone.contains(event.relatedTarget)) zone.classList.remove("sort-zone--over");
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        clearHighlights(board);
        var card = document.getElementById(event.dataTransfer.getData("text/plain"));
        if (!card || !board.contains(card) || !card.matches("[data-duty]")) return;
        var select = card.querySelector("select");
        select.value = zone.getAttribute("data-zone");
        select.dispatchEvent(new Event("change", { bubbles: true }));
        var name = card.querySelector(".duty__name");
        status.textContent = (name ? name.textContent.trim() : "Duty") + " moved to " + zoneLabel(zone) + ".";
      });
    });

    syncAll(board);
    // Coming back through the history can restore the selects after this ran.
    window.addEventListener("pageshow", function () { syncAll(board); });
  }

  document.querySelectorAll("[data-sort-board]").forEach(setUp);
})();
