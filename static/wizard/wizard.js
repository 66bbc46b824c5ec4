/*
 * VPN Wizard — live validation helpers. Every page works without this script.
 *  - Live validation swaps a field's block out of band. htmx gives focus back to a control it swapped while
 *    focused; this covers the rest: when a swap leaves nothing focused although the control the user was in
 *    when the check started was replaced, focus that control's replacement. Each request remembers its own
 *    control, so answers arriving out of order never send focus to a field the user has left.
 *  - <details data-open-when="name=value"> opens when that radio button is chosen and closes when another
 *    one is (policy rules, manual tunnel addresses, custom algorithms); without the script it opens by hand.
 */
(function () {
  "use strict";

  var focusedWhenSent = new WeakMap();

  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    if (active && active !== document.body && active.id) {
      focusedWhenSent.set(event.detail.xhr, active);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    var before = xhr ? focusedWhenSent.get(xhr) : null;
    if (!before) {
      return;
    }
    focusedWhenSent.delete(xhr);
    var active = document.activeElement;
    var focusLost = !active || active === document.body;
    // Only when this answer replaced the very control the user was in and nothing else has focus since.
    if (!focusLost || document.contains(before)) {
      return;
    }
    var again = document.getElementById(before.id);
    if (again) {
      again.focus();
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" || !input.name) {
      return;
    }
    document.querySelectorAll("details[data-open-when]").forEach(function (details) {
      var rule = details.getAttribute("data-open-when").split("=");
      if (rule[0] === input.name) {
        details.open = input.value === rule[1];
      }
    });
  });
})();
