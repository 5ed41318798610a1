// "Show me on this page" (issue 14): the stage page's walkthrough, on driver.js. The steps
// (selector and the recorder's sentence, and where a recorded voice says it, its stretch of the
// guide's audio) are in the button's data-walkthrough attribute, made by the server from the
// page as it was rendered. Without this file, or without driver.js, the button stays hidden.
(function () {
  "use strict";

  function escapeHtml(text) {
    // driver.js puts titles, texts and button labels in as HTML: labels may hold < & " '.
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function shown(el) {
    if (!el) { return false; }
    if (!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)) { return false; }
    return window.getComputedStyle(el).visibility !== "hidden";
  }

  function find(selector) {
    try { return document.querySelector(selector); } catch (e) { return null; }
  }

  function reducedMotion() {
    return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function init(button) {
    var factory = window.driver && window.driver.js && window.driver.js.driver;
    var data = null;
    try { data = JSON.parse(button.getAttribute("data-walkthrough") || "null"); } catch (e) { data = null; }
    if (!factory || !data || !data.steps || !data.steps.length) { return; }
    var label = function (name) { return button.getAttribute("data-label-" + name) || ""; };
    var stage = button.closest("[data-tutorial-stage]");

    // Said to screen readers at each step (the popover is a dialog too).
    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("data-walkthrough-live", "");
    document.body.appendChild(live);
    function announce(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 50);
    }

    var audio = null;
    var stopAt = null;
    function play(step) {
      if (!audio || typeof step.start !== "number") { if (audio) { audio.pause(); } return; }
      stopAt = step.end;
      try { audio.currentTime = step.start; } catch (e) { return; }
      var played = audio.play();
      if (played && played.catch) { played.catch(function () { /* refused: the text is on screen */ }); }
    }
    function stopAudio() { if (audio) { audio.pause(); } stopAt = null; }

    function start() {
      var steps = data.steps.filter(function (s) { return shown(find(s.selector)); });
      if (!steps.length) { announce(label("empty")); return; }
      if (data.audio && !audio && window.Audio) {
        audio = new window.Audio(data.audio);
        audio.preload = "auto";
        audio.addEventListener("timeupdate", function () {
          if (stopAt !== null && audio.currentTime >= stopAt) { audio.pause(); stopAt = null; }
        });
      }
      var progress = label("progress").replace("{current}", "{{current}}").replace("{total}", "{{total}}");
      var tour = factory({
        steps: steps.map(function (s) {
          return { element: s.selector, popover: { title: escapeHtml(data.title), description: escapeHtml(s.text) } };
        }),
        showProgress: true,
        progressText: escapeHtml(progress),
        nextBtnText: escapeHtml(label("next")),
        prevBtnText: escapeHtml(label("previous")),
        doneBtnText: escapeHtml(label("done")),
        allowKeyboardControl: true,
        animate: false,  // every key press counts (one pressed mid-animation would be dropped)
        smoothScroll: !reducedMotion(),
        stagePadding: 6,
        popoverClass: "walkthrough-popover",
        onHighlighted: function (element) {
          // driver.js marks the element as opening a dialog; a text box or a heading cannot
          // (an ARIA error): the popover is reached by focus and said by the live region.
          if (element) { element.removeAttribute("aria-haspopup"); element.removeAttribute("aria-expanded"); }
        },
        onPopoverRender: function (popover, opts) {
          popover.closeButton.setAttribute("aria-label", label("close"));
          popover.closeButton.setAttribute("title", label("close"));
          popover.wrapper.setAttribute("aria-modal", "false");
          [popover.previousButton, popover.nextButton].forEach(function (b) {
            if (b.classList.contains("driver-popover-btn-disabled")) { b.setAttribute("aria-disabled", "true"); }
          });
          var index = opts.state.activeIndex || 0;
          var text = progress.replace("{{current}}", index + 1).replace("{{total}}", steps.length);
          announce(text + ". " + steps[index].text);
          play(steps[index]);
          // Enter goes on from the step; Tab moves between the popover's buttons.
          window.setTimeout(function () { popover.nextButton.focus(); }, 0);
        },
        onDestroyed: function () {
          stopAudio();
          announce("");
          button.focus();
        }
      });
      tour.drive();
    }

    button.hidden = false;
    if (stage) { stage.classList.add("has-walkthrough"); }
    button.addEventListener("click", start);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-walkthrough]"), init);
  });
})();
