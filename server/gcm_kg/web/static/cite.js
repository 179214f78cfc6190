// The copy buttons of the "Cite" box on entity pages: a button with data-copy="ID" copies the
// text of the element with that id. A file of its own because the pages allow no inline script.
(function () {
  "use strict";

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function confirm(button, word) {
    var label = button.textContent;
    button.textContent = word;
    window.setTimeout(function () { button.textContent = label; }, 1500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var done = function () { confirm(button, "\u2713"); };
    // Without the Clipboard API (plain http other than localhost), the text is selected for Ctrl+C.
    var manual = function () { selectText(source); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent.trim()).then(done, manual);
    } else {
      manual();
    }
  });
})();
