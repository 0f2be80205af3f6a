// tocsin dashboard: small progressive enhancements; every page works without this file.
"use strict";

(function () {
  // Article page: clicking an event in the list marks its sentence and evidence in the text.
  function listed(element, name, eventId) {
    var value = element.getAttribute(name);
    return value !== null && value.split(" ").indexOf(eventId) >= 0;
  }

  function markEvent(eventId, scroll) {
    var text = document.getElementById("article-text");
    if (!text || !eventId) {
      return false;
    }
    var previous = document.querySelectorAll(".is-active, .in-active");
    for (var i = 0; i < previous.length; i++) {
      previous[i].classList.remove("is-active", "in-active");
    }
    var parts = text.querySelectorAll("[data-ev], [data-sent]");
    var first = null;
    for (var j = 0; j < parts.length; j++) {
      if (listed(parts[j], "data-ev", eventId)) {
        parts[j].classList.add("is-active");
        first = first || parts[j];
      } else if (listed(parts[j], "data-sent", eventId)) {
        parts[j].classList.add("in-active");
        first = first || parts[j];
      }
    }
    var item = document.getElementById("item-" + eventId);
    if (item) {
      item.classList.add("is-active");
    }
    if (first && scroll) {
      first.scrollIntoView({ block: "center" });
    }
    return first !== null;
  }

  function eventFromHash() {
    var hash = window.location.hash || "";
    return hash.indexOf("#ev-") === 0 ? hash.slice(4) : "";
  }

  document.addEventListener("click", function (click) {
    var link = click.target.closest ? click.target.closest("a[data-event]") : null;
    if (!link) {
      return;
    }
    var eventId = link.getAttribute("data-event");
    if (markEvent(eventId, true)) {
      click.preventDefault();
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#ev-" + eventId);
      }
    }
  });

  // Filter forms: leave empty fields out of the address, so links stay short and shareable.
  document.addEventListener("submit", function (submit) {
    var form = submit.target;
    if (!form.classList || !form.classList.contains("drop-empty")) {
      return;
    }
    var fields = form.querySelectorAll("input, select");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].name && fields[i].value === "" && fields[i].type !== "checkbox") {
        fields[i].disabled = true;
      }
    }
    // re-enable after the browser has serialised the form (for the back button)
    window.setTimeout(function () {
      for (var k = 0; k < fields.length; k++) {
        fields[k].disabled = false;
      }
    }, 0);
  });

  document.addEventListener("DOMContentLoaded", function () {
    markEvent(eventFromHash(), true);
  });
})();
