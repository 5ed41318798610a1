// Video guides: progressive enhancement of the "Watch how" panel and the watch page.
// Without this file the video still plays from the stage's chapter (media fragment), the
// chapter links open the watch page, and the transcript is on the page.
(function () {
  "use strict";

  var REPORT_EVERY_MS = 10000;

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, value); }
    } catch (e) { /* private mode: nothing to remember */ }
  }

  // The stage panel opens and closes as the person chose, on every stage: a logged-in
  // person's choice is saved on the server (data-pref-url), a visitor's in this browser.
  // Not chosen yet: open on a wide screen, one line on a phone (as the server sent it).
  var PANEL_KEY = "satupintu:tutorial-panel";
  function initPanel(details) {
    var choice = details.getAttribute("data-panel-choice") || "";
    var url = details.getAttribute("data-pref-url");
    var csrf = details.getAttribute("data-csrf");
    var form = details.querySelector("[data-panel-choice-form]");
    if (form) { form.hidden = true; }  // opening or closing the panel is remembered by itself
    if (!url) {
      var stored = storageGet(PANEL_KEY);
      if (stored === "open" || stored === "closed") { choice = stored; }
    }
    var wide = Boolean(window.matchMedia && window.matchMedia("(min-width: 768px)").matches);
    var wanted = choice ? choice === "open" : wide;
    var ours = false;
    if (details.open !== wanted) { ours = true; details.open = wanted; }
    details.addEventListener("toggle", function () {
      if (ours) { ours = false; return; }  // the change above, not the person's
      if (!url) { storageSet(PANEL_KEY, details.open ? "open" : "closed"); return; }
      if (!window.fetch) { return; }
      window.fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ open: details.open ? 1 : 0 })
      }).catch(function () { /* offline: the panel stays as it is on this page */ });
    });
  }

  function slowConnection() {
    var c = navigator.connection || navigator.mozConnection || navigator.webkitConnection;
    if (!c) { return false; }
    return Boolean(c.saveData) || c.effectiveType === "slow-2g" || c.effectiveType === "2g";
  }

  function initPlayer(root) {
    var video = root.querySelector("video");
    var links = Array.prototype.slice.call(root.querySelectorAll("a[data-chapter]"));
    var chapters = links.map(function (a) {
      return { id: a.getAttribute("data-chapter"), start: parseFloat(a.getAttribute("data-start")),
               end: parseFloat(a.getAttribute("data-end")), link: a };
    });
    var start = parseFloat(root.getAttribute("data-start")) || 0;
    var progressUrl = root.getAttribute("data-progress-url");
    var csrf = root.getAttribute("data-csrf");
    var current = null;
    if (!video) { return; }

    function chapterAt(t) {
      for (var i = chapters.length - 1; i >= 0; i--) {
        if (t >= chapters[i].start - 0.05) { return chapters[i]; }
      }
      return chapters[0] || null;
    }

    function showChapter(ch) {
      if (!ch || ch === current) { return; }
      current = ch;
      chapters.forEach(function (c) {
        var li = c.link.parentNode;
        li.classList.toggle("is-current", c === ch);
        if (c === ch) { c.link.setAttribute("aria-current", "true"); } else { c.link.removeAttribute("aria-current"); }
      });
      Array.prototype.forEach.call(root.querySelectorAll("[data-chapter-transcript]"), function (el) {
        el.hidden = el.getAttribute("data-chapter-transcript") !== ch.id;
      });
    }

    // The small rendition: a visible switch, and the default on a slow connection.
    var smallLink = root.querySelector("a[data-rendition=small]");
    function useSmall() {
      var source = video.querySelector("source");
      var t = video.currentTime || start;
      source.src = root.getAttribute("data-small-src") + "#t=" + t.toFixed(3);
      source.type = root.getAttribute("data-small-type") || source.type;
      video.load();
      if (smallLink) { smallLink.parentNode.hidden = true; }
    }
    if (smallLink) {
      smallLink.addEventListener("click", function (ev) { ev.preventDefault(); useSmall(); });
      if (slowConnection()) { useSmall(); }
    }

    // Some browsers ignore #t= on <source>: seek once the metadata is known.
    video.addEventListener("loadedmetadata", function () {
      if (start > 0 && video.currentTime < start - 0.5) { video.currentTime = start; }
    }, { once: true });

    links.forEach(function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        var t = parseFloat(a.getAttribute("data-start")) || 0;
        start = t;
        video.currentTime = t;
        showChapter(chapterAt(t));
        var played = video.play();
        if (played && played.catch) { played.catch(function () { /* autoplay refused: the person presses play */ }); }
        video.focus();
      });
    });

    // Progress: only for a logged-in viewer (the page gives the URL and the CSRF token).
    var lastSent = 0;
    var lastTime = video.currentTime;
    var watchedFrom = {};
    function report(chapterId) {
      if (!progressUrl || !window.fetch) { return; }
      var body = { position: Math.round(video.currentTime * 10) / 10 };
      if (chapterId) { body.chapter = chapterId; }
      lastSent = Date.now();
      window.fetch(progressUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body)
      }).then(function (r) {
        if (r.ok && chapterId) {
          chapters.forEach(function (c) {
            if (c.id === chapterId) {
              var badge = c.link.parentNode.querySelector(".tutorial-watched");
              if (badge) { badge.hidden = false; }
              c.link.parentNode.classList.add("is-watched");
            }
          });
        }
      }).catch(function () { /* offline: the next report catches up */ });
    }

    video.addEventListener("timeupdate", function () {
      var t = video.currentTime;
      var ch = chapterAt(t);
      showChapter(ch);
      // A chapter is complete when it was played (not skipped) up to its end.
      var jump = Math.abs(t - lastTime) > 2;
      if (!jump && ch) {
        if (watchedFrom[ch.id] === undefined) { watchedFrom[ch.id] = t; }
      } else if (ch) {
        watchedFrom[ch.id] = (t <= ch.start + 1) ? t : undefined;
      }
      chapters.forEach(function (c) {
        if (watchedFrom[c.id] !== undefined && watchedFrom[c.id] <= c.start + 1 &&
            lastTime < c.end - 0.3 && t >= c.end - 0.3 && !jump) {
          watchedFrom[c.id] = undefined;
          report(c.id);
        }
      });
      lastTime = t;
      if (progressUrl && !video.paused && Date.now() - lastSent > REPORT_EVERY_MS) { report(null); }
    });
    video.addEventListener("pause", function () { if (video.currentTime > 0) { report(null); } });
    video.addEventListener("ended", function () {
      var last = chapters[chapters.length - 1];
      report(last && watchedFrom[last.id] !== undefined ? last.id : null);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-tutorial-panel]"), initPanel);
    Array.prototype.forEach.call(document.querySelectorAll("[data-tutorial-player]"), initPlayer);
  });
})();
