// Progressive enhancement for "Cite this record" on an event's page: a Copy button beside
// each citation ([data-copy-name]). Without JavaScript the citations are plain, selectable
// text and no button is shown that would not work.
(function () {
  "use strict";
  var box = document.querySelector(".cite-box");
  if (!box) return;

  var status = document.createElement("p");
  status.className = "cite-status";
  status.setAttribute("role", "status");
  box.appendChild(status);

  function say(message) {
    status.textContent = message;
    window.clearTimeout(say.timer);
    say.timer = window.setTimeout(function () { status.textContent = ""; }, 4000);
  }

  // Where the Clipboard API is not offered (a page not served over HTTPS, an older browser),
  // the text is selected and copied the old way; if that fails too it stays selected.
  function copyBySelecting(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  box.querySelectorAll("[data-copy-name]").forEach(function (element) {
    var name = element.getAttribute("data-copy-name");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + name);
    button.addEventListener("click", function () {
      var text = element.textContent;
      var copied = function () { say("Copied " + name + "."); };
      var selected = function () {
        say(copyBySelecting(element) ? "Copied " + name + "."
          : "Selected " + name + ": press Ctrl+C (⌘C) to copy it.");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(copied, selected);
      } else {
        selected();
      }
    });
    element.insertAdjacentElement("afterend", button);
  });
})();
