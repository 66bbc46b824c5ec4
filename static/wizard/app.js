/*
 * VPN Wizard — small progressive enhancements, no framework. Loaded with `defer`; every page works without it.
 *  - data-confirm="Question?" on a <form>, a submit button or a link asks before going on.
 *  - data-copy-target="element-id" on a button copies that element's text (configuration viewers).
 *  - <details data-menu> closes on a click outside it and on Escape.
 */
(function () {
  "use strict";

  // htmx swaps no 4xx answer by default; a rate limit's message (429) must be shown.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Confirmation before destructive actions. Runs in the capture phase so that a "Cancel" also stops htmx.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest("a[data-confirm]");
      if (link && !window.confirm(link.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // Copy to clipboard. The Clipboard API needs a secure context; elsewhere the text is selected for Ctrl+C.
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function flash(button, label) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = label;
    button.classList.add("is-copied");
    window.setTimeout(function () {
      button.textContent = original;
      button.classList.remove("is-copied");
    }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) {
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent).then(
        function () {
          flash(button, "Copied");
        },
        function () {
          selectText(source);
          flash(button, "Press Ctrl+C");
        }
      );
    } else {
      selectText(source);
      flash(button, "Press Ctrl+C");
    }
  });

  // Copy buttons are hidden in the markup so that they never show up when this script does not run.
  function revealCopyButtons(root) {
    root.querySelectorAll("[data-copy-target][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  revealCopyButtons(document);
  document.addEventListener("htmx:load", function (event) {
    revealCopyButtons(event.detail.elt);
  });

  // Dropdown menus built on <details>.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });
})();
