// Classify drill: drag duty cards onto AWS, Customer or Shared. Each card keeps
// its <select>, which stays the single source of truth: a card follows its
// select, and dropping a card sets the select. Keyboard and screen-reader users
// use the selects; without JavaScript the selects alone make the form work.
(function () {
  "use strict";

  // Same breakpoint as site.css. Wide, the groups are columns and a sorted card
  // moves into its group; narrow, the groups are a bar of three targets and every
  // card stays in the stack, so a choice never carries the learner down the page.
  var wide = window.matchMedia("(width >= 64rem)");

  function pileList(board) {
    return board.querySelector('[data-zone=""] [data-zone-list]');
  }

  function zoneList(board, owner) {
    var zone = board.querySelector('[data-zone="' + owner + '"]');
    return zone ? zone.querySelector("[data-zone-list]") : pileList(board);
  }

  function zoneLabel(zone) {
    return zone.querySelector(".sort-zone__title .owner").textContent.trim();
  }

  // Counts come from the selects, not from where the cards sit, so they hold in
  // both layouts.
  function updateCounts(board) {
    var selects = board.querySelectorAll("[data-duty] select");
    board.querySelectorAll("[data-zone]").forEach(function (zone) {
      var owner = zone.getAttribute("data-zone");
      var count = Array.prototype.filter.call(selects, function (select) {
        return select.value === owner;
      }).length;
      var label = zone.querySelector("[data-zone-count]");
      if (label) label.textContent = owner ? "(" + count + ")" : "(" + count + " left)";
    });
  }

  // Puts the card where its select says, keeping stack order within the list.
  function place(board, card) {
    var select = card.querySelector("select");
    if (select.value) card.setAttribute("data-owner", select.value);
    else card.removeAttribute("data-owner");
    var list = wide.matches ? zoneList(board, select.value) : pileList(board);
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

    // Narrow, the stack holds sorted cards too: a short drag that ends on it
    // must not undo a choice.
    function takesDrops(zone) {
      return wide.matches || zone.getAttribute("data-zone") !== "";
    }

    board.querySelectorAll("[data-zone]").forEach(function (zone) {
      function over(event) {
        if (!takesDrops(zone)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        zone.classList.add("sort-zone--over");
      }
      // Both: the highlight should show as soon as the card arrives, before it moves on.
      zone.addEventListener("dragenter", over);
      zone.addEventListener("dragover", over);
      zone.addEventListener("dragleave", function (event) {
        if (!zone.contains(event.relatedTarget)) zone.classList.remove("sort-zone--over");
      });
      zone.addEventListener("drop", function (event) {
        if (!takesDrops(zone)) return;
        event.preventDefault();
        clearHighlights(board);
        var card = document.getElementById(event.dataTransfer.getData("text/plain"));
        if (!card || !board.contains(card) || !card.matches("[data-duty]")) return;
        var select = card.querySelector("select");
        select.value = zone.getAttribute("data-zone");
        select.dispatchEvent(new Event("change", { bubbles: true }));
        var name = card.querySelector(".duty__name");
        name = name ? name.textContent.trim() : "Duty";
        status.textContent = select.value ? name + " sorted under " + zoneLabel(zone) + "." : name + " is not sorted yet.";
      });
    });

    syncAll(board);
    // Coming back through the history can restore the selects after this ran.
    window.addEventListener("pageshow", function () { syncAll(board); });
    wide.addEventListener("change", function () { syncAll(board); });
  }

  document.querySelectorAll("[data-sort-board]").forEach(setUp);
})();
