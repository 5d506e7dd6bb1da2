// The scan station, for a USB scanner (a keyboard that types the code then Enter or Tab),
// for typing, and for the camera of a phone or tablet. The page works without this script;
// the script keeps the scanner's keystrokes landing in the field, puts the first action under
// Enter after a scan, gives Alt+digit shortcuts (a scanner never sends Alt, so a code can never
// trigger an action), beeps, and reads codes from the camera where the browser can.
(function () {
  "use strict";
  var field = document.querySelector("[data-scan-field]");
  if (!field) return;
  var form = document.getElementById("scan-form");

  // A scanner set to end with Tab: treat Tab in a non-empty field as Enter.
  field.addEventListener("keydown", function (event) {
    if (event.key === "Tab" && !event.shiftKey && field.value.trim()) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // After a scan, Enter confirms the first action; the next scan still reaches the field.
  var feedback = document.querySelector("[data-feedback]");
  var first = document.querySelector("[data-shortcut='1']");
  if (feedback && feedback.dataset.feedback === "found" && first) {
    first.focus();
  } else {
    field.focus();
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
                            target.tagName === "SELECT");
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      var button = document.querySelector("[data-shortcut='" + event.key.toLowerCase() + "']");
      if (button) {
        event.preventDefault();
        button.click();
      }
      return;
    }
    if (!typing && event.key.length === 1 && !event.ctrlKey && !event.metaKey) {
      field.value = "";
      field.focus();  // the character then lands in the field
    }
  });

  // The page is ready for a scanner: what a person (or a test) may wait for before typing.
  // Until now the field, focused by `autofocus`, only took what the browser does without us.
  document.documentElement.dataset.scanStation = "ready";

  // Feedback you can hear, beside the message a screen reader announces.
  if (feedback) {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var audio = new Context();
      var ok = feedback.dataset.feedback === "found";
      [0, ok ? null : 0.18].forEach(function (delay) {
        if (delay === null) return;
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = ok ? 880 : 220;
        gain.gain.value = 0.15;
        tone.connect(gain).connect(audio.destination);
        tone.start(audio.currentTime + delay);
        tone.stop(audio.currentTime + delay + 0.12);
      });
    } catch (ignored) { /* no sound: the page still says it */ }
  }

  // The camera: the browser's own BarcodeDetector where it has one (Android, ChromeOS, macOS),
  // otherwise the vendored ZXing decoder (static/vendor/zxing-library). Either way the decoder
  // is fed frame after frame until it reads a code: a frame not yet there, blurred or without
  // a code is simply followed by the next one, however long the machine takes.
  var button = document.getElementById("camera-button");
  var video = document.getElementById("camera");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var watch = function (read) {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      video.dataset.camera = "on";
      var look = function () {
        var frame = video.readyState >= 2 && video.videoWidth > 0;
        (frame ? read(video) : Promise.resolve(null)).then(function (text) {
          if (text) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            field.value = text;
            form.requestSubmit();
          } else {
            window.setTimeout(look, 50);
          }
        }, function () { window.setTimeout(look, 50); });
      };
      look();
    });
  };
  if ("BarcodeDetector" in window) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128"] });
      watch(function (frame) {
        return detector.detect(frame).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        });
      });
    });
  } else if (window.ZXing) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var hints = new Map();
      hints.set(window.ZXing.DecodeHintType.POSSIBLE_FORMATS,
                [window.ZXing.BarcodeFormat.QR_CODE, window.ZXing.BarcodeFormat.CODE_128]);
      hints.set(window.ZXing.DecodeHintType.TRY_HARDER, true);  // hand-held, tilted, glossy labels
      var reader = new window.ZXing.BrowserMultiFormatReader(hints);
      watch(function (frame) {
        return new Promise(function (resolve) {
          try {
            resolve(reader.decode(frame).getText());
          } catch (noCodeInThisFrame) {
            resolve(null);
          }
        });
      });
    });
  }
})();
