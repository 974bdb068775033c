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

// Signing out forgets the pages the CLM web form kept for offline use: on a shared device the
// next monitor must not open the previous one's form (their queued answers stay, each tied to
// its own account, and are sent only with that account's session). The sign-out waits for the
// caches to be deleted (at most one second).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.action || form.action.indexOf("/accounts/logout/") === -1 || !window.caches) return;
  event.preventDefault();
  var cleared = caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("hrmonitor-webform-") === 0;
    }).map(function (name) { return caches.delete(name); }));
  });
  var waited = new Promise(function (resolve) { setTimeout(resolve, 1000); });
  Promise.race([cleared, waited]).catch(function () {}).then(function () { form.submit(); });
});
