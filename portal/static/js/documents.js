// The documents page on a phone: a chosen file is uploaded at once (a photo made smaller in the
// browser first), with a progress bar and a cancel button; the card is then replaced by the
// server's. Without this file the page's one form uploads every chosen file instead.
(function () {
  "use strict";
  var LONG_SIDE = 2000;        // px: what a photo is brought down to before sending
  var SHRINK_OVER = 1024 * 1024; // bytes: smaller photos are sent as they are
  var form, busy = {}, warned = false;

  function text(name, percent) {
    var value = form.getAttribute("data-" + name) || "";
    return value.replace("{percent}", percent === undefined ? "" : percent + "%");
  }

  // A JPEG of the photo with its long side at most LONG_SIDE, or the file itself when it is
  // small, not a photo, or the browser cannot decode it (HEIC: the server converts it).
  function prepare(file) {
    if (!/^image\/(jpeg|png)$/.test(file.type) || file.size <= SHRINK_OVER ||
        !window.createImageBitmap || !HTMLCanvasElement.prototype.toBlob) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg" }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  function showError(card, message) {
    var box = card.querySelector(".doc-error");
    box.innerHTML = "";
    var alert = document.createElement("div");
    alert.className = "alert alert-danger mb-2";
    alert.setAttribute("role", "alert");
    alert.textContent = message;
    box.appendChild(alert);
    box.hidden = false;
    card.classList.add("border-danger");
    card.focus();
  }

  function upload(card, input) {
    var key = card.id;
    if (busy[key]) { busy[key].abort(); } // a second file for the same slot replaces the first
    var file = input.files[0];
    var progress = card.querySelector(".doc-progress");
    var bar = progress.querySelector("progress");
    var label = progress.querySelector(".doc-progress-text");
    var cancel = progress.querySelector(".doc-cancel");
    progress.hidden = false;
    bar.value = 0;
    label.textContent = text("preparing-text");
    var token = {};
    busy[key] = { abort: function () { token.cancelled = true; if (token.xhr) { token.xhr.abort(); } } };
    cancel.onclick = function () {
      busy[key].abort();
      delete busy[key];
      input.value = "";
      progress.hidden = true;
      showError(card, text("cancelled-text"));
    };
    prepare(file).then(function (prepared) {
      if (token.cancelled) { return; }
      var data = new FormData();
      data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      data.append("file", prepared, prepared.name);
      var xhr = new XMLHttpRequest();
      token.xhr = xhr;
      xhr.open("POST", card.getAttribute("data-upload-url"));
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) { return; }
        var percent = Math.floor(100 * event.loaded / event.total);
        bar.value = percent;
        label.textContent = text("busy-text", percent);
      };
      label.textContent = text("busy-text", 0);
      xhr.onload = function () {
        delete busy[key];
        settled();
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
        if (answer && answer.html) {
          var holder = document.createElement("div");
          holder.innerHTML = answer.html;
          var fresh = holder.firstElementChild;
          card.replaceWith(fresh);
          enhance(fresh);
          fresh.focus();
          if (answer.ok) {
            var status = fresh.querySelector(".doc-progress-text");
            status.textContent = answer.message;
            fresh.querySelector(".doc-progress").hidden = false;
            fresh.querySelector(".doc-progress progress").hidden = true;
            fresh.querySelector(".doc-cancel").hidden = true;
          }
        } else {
          progress.hidden = true;
          input.value = "";
          showError(card, (answer && answer.message) || text("failed-text"));
        }
      };
      xhr.onerror = function () {
        delete busy[key];
        progress.hidden = true;
        showError(card, text("failed-text"));
      };
      xhr.send(data);
    });
  }

  // The Continue warning goes once nothing is on its way any more.
  function settled() {
    if (Object.keys(busy).length > 0) { return; }
    var box = form.querySelector(".doc-unsent");
    if (box) { box.hidden = true; }
    warned = false;
  }

  function enhance(card) {
    var button = card.querySelector(".doc-upload-button");
    if (button) { button.hidden = true; } // the upload starts when a file is chosen
    Array.prototype.forEach.call(card.querySelectorAll("input.doc-input"), function (input) {
      input.addEventListener("change", function () {
        if (input.files && input.files.length) { upload(card, input); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("documents-form");
    if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
    Array.prototype.forEach.call(form.querySelectorAll(".document-slot"), enhance);
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (!submitter || submitter.name !== "action") { return; }
      var pending = Object.keys(busy).length > 0;
      var unsent = Array.prototype.some.call(form.querySelectorAll("input.doc-input"),
        function (input) { return input.files && input.files.length > 0; });
      if ((pending || unsent) && !warned) {
        event.preventDefault();
        warned = true;
        var box = form.querySelector(".doc-unsent");
        box.textContent = form.getAttribute("data-unsent-warning");
        box.hidden = false;
        box.setAttribute("tabindex", "-1");
        box.focus();
      }
    });
  });
})();
