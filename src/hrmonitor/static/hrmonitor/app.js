// hrmonitor — behaviour shared by every page. No inline scripts (CSP).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      // htmx's default indicator styles are injected as an inline <style>; ours live in app.css.
      window.htmx.config.includeIndicatorStyles = false;
    }
    // Select the one-time API token so it can be copied at once.
    var token = document.getElementById("new-token");
    if (token) { token.focus(); token.select(); }
  });
})();
// IPTT: show or hide the disaggregated rows of an indicator (works after htmx swaps too).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-toggle-parts]");
  if (!button) { return; }
  var code = button.getAttribute("data-toggle-parts");
  var open = button.getAttribute("aria-expanded") !== "true";
  // The first click loads the rows (htmx, shown as they arrive); later clicks hide and show.
  document.querySelectorAll('tr[data-part-of="' + CSS.escape(code) + '"]').forEach(function (row) {
    row.classList.toggle("d-none", !open);
  });
  button.setAttribute("aria-expanded", open ? "true" : "false");
});
