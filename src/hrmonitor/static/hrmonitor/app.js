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
