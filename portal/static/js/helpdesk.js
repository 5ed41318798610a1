// The assisted view refreshes itself: every few seconds it asks the server for the draft part
// of the page and swaps it in. Progressive enhancement only: without this file the page has a
// Refresh link. The server answers 410 once the code has expired or been ended; then we stop.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("assist-live");
    if (!box || !window.fetch) { return; }
    var url = box.getAttribute("data-live-url");
    var interval = parseInt(box.getAttribute("data-interval"), 10) || 4000;
    var status = document.getElementById("assist-status");
    var timer = null;
    var failures = 0;

    function say(text) { if (status) { status.textContent = text; } }

    function stop() { if (timer) { window.clearInterval(timer); timer = null; } }

    function poll() {
      if (document.hidden) { return; }
      window.fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" }, cache: "no-store" })
        .then(function (response) {
          if (response.status !== 200 && response.status !== 410) { throw new Error(String(response.status)); }
          return response.text().then(function (html) { return { code: response.status, html: html }; });
        })
        .then(function (result) {
          failures = 0;
          box.innerHTML = result.html;  // server-rendered and escaped by the template engine
          if (result.code === 410) {
            stop();
            say(box.getAttribute("data-ended-text"));
          } else {
            say(box.getAttribute("data-updated-text") + " " + new Date().toLocaleTimeString());
          }
        })
        .catch(function () {
          failures += 1;
          if (failures >= 5) { stop(); }
        });
    }

    if (box.querySelector("[data-assist-ended]")) { return; }
    timer = window.setInterval(poll, interval);
  });
})();
