/*
 * VPN Wizard — live validation helpers. Every page works without this script.
 *  - Live validation swaps a field's block out of band; when that removes the focused control, focus its
 *    replacement, so keyboard users stay where they were.
 */
(function () {
  "use strict";

  var focusedId = null;

  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    focusedId = active && active.id ? active.id : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    var active = document.activeElement;
    var stillFocused = active && active !== document.body && document.contains(active);
    // Only give focus back when the swap took it away; never pull the user back from where they moved on to.
    if (!focusedId || stillFocused) {
      focusedId = null;
      return;
    }
    var again = document.getElementById(focusedId);
    if (again && document.activeElement !== again) {
      again.focus();
    }
    focusedId = null;
  });
})();
