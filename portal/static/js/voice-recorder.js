// The staff voice page's recorder (issue 14): records the microphone with MediaRecorder and
// puts the recording into the page's file field, so "Use this recording" sends it like a
// chosen file. Without JavaScript, MediaRecorder or a microphone, the recorder stays hidden
// and the file field works alone.
(function () {
  "use strict";
  var box = document.querySelector("[data-voice-recorder]");
  if (!box || !window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var form = box.closest("form");
  var input = form.querySelector("input[type=file]");
  var start = box.querySelector("[data-voice-start]");
  var stop = box.querySelector("[data-voice-stop]");
  var clock = box.querySelector("[data-voice-clock]");
  var status = box.querySelector("[data-voice-status]");
  var preview = box.querySelector("[data-voice-preview]");
  var maxSeconds = parseInt(box.getAttribute("data-max-seconds"), 10) || 300;
  var recorder = null;
  var chunks = [];
  var began = 0;
  var ticker = null;
  var previewUrl = null;
  box.hidden = false;

  function say(name) {
    status.textContent = box.getAttribute("data-text-" + name) || "";
  }

  function tick() {
    var seconds = Math.floor((Date.now() - began) / 1000);
    clock.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    if (seconds >= maxSeconds && recorder && recorder.state === "recording") {
      say("too-long");
      recorder.stop();
    }
  }

  function pickType() {
    var types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) {
        return types[i];
      }
    }
    return "";
  }

  function finished(stream) {
    stream.getTracks().forEach(function (track) { track.stop(); });
    clearInterval(ticker);
    start.disabled = false;
    stop.disabled = true;
    var type = (recorder && recorder.mimeType) || "audio/webm";
    var blob = new Blob(chunks, { type: type });
    var ext = type.indexOf("mp4") >= 0 ? "m4a" : type.indexOf("ogg") >= 0 ? "ogg" : "webm";
    var file = new File([blob], "suara." + ext, { type: type });
    var transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    if (previewUrl) {
      URL.revokeObjectURL(previewUrl);
    }
    previewUrl = URL.createObjectURL(blob);
    preview.src = previewUrl;
    preview.hidden = false;
    if (status.textContent !== box.getAttribute("data-text-too-long")) {
      say("ready");
    }
    form.querySelector("[type=submit]").focus();
  }

  start.addEventListener("click", function () {
    start.disabled = true;
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var type = pickType();
      recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      chunks = [];
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) {
          chunks.push(event.data);
        }
      });
      recorder.addEventListener("stop", function () { finished(stream); });
      recorder.start(1000);
      began = Date.now();
      clock.textContent = "0:00";
      ticker = setInterval(tick, 250);
      stop.disabled = false;
      say("recording");
      stop.focus();
    }).catch(function () {
      start.disabled = false;
      say("denied");
    });
  });

  stop.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") {
      recorder.stop();
    }
  });
})();
