/* Confirmation before an irreversible action, as a static file because the site's Content-Security-Policy
   runs no inline script or on*= handler. A form, or the submit button that was clicked, carrying
   data-confirm="…" asks window.confirm(text) before it is submitted; dismissing the dialog cancels the
   submit. Without JS the form simply posts (the server still checks every action). */
(function () {
  "use strict";
  // SubmitEvent.submitter names the button that was clicked; where a browser lacks it (Safari < 15.4) the
  // last clicked submit button of the form stands in.
  var lastClicked = null;
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("button, input[type=submit], input[type=image]") : null;
    lastClicked = el && el.form ? el : null;
  }, true);
  // Capture phase on the document: runs before any listener on the form itself (e.g. awards-upload.js),
  // so a cancelled confirmation stops those too.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || form.tagName !== "FORM") { return; }
    var submitter = event.submitter || (lastClicked && lastClicked.form === form ? lastClicked : null);
    lastClicked = null;
    var text = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
