// The scan station, for a USB scanner (a keyboard that types the code then Enter or Tab),
// for typing, and for the camera of a phone or tablet. The page works without this script;
// the script keeps the scanner's keystrokes landing in the field, puts the first action under
// Enter after a scan, gives Alt+digit shortcuts (a scanner never sends Alt, so a code can never
// trigger an action), keeps the focus on the field after an action (Enter in the empty field
// then goes on to the next step), says again what was done in the live region, beeps once the
// page has been used, and reads codes from the camera where the browser can.
(function () {
  "use strict";
  var field = document.querySelector("[data-scan-field]");
  if (!field) return;
  var form = document.getElementById("scan-form");

  var first = document.querySelector("[data-shortcut='1']");
  var step = document.querySelector("[data-next-step]");

  // A scanner set to end with Tab: treat Tab in a non-empty field as Enter. Enter in the empty
  // field, with a card shown, goes on to the next step: done at once if it needs no details,
  // otherwise its first detail gets the focus.
  field.addEventListener("keydown", function (event) {
    if (event.key === "Tab" && !event.shiftKey && field.value.trim()) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Enter" && !field.value.trim() && (step || first)) {
      event.preventDefault();
      if (step) {
        step.querySelector("input:not([type=hidden]), select, textarea, button").focus();
      } else {
        first.click();
      }
    }
  });

  // After a scan, Enter confirms the first action; after an action the field keeps the focus.
  // Either way the next scan still reaches the field.
  var feedback = document.querySelector("[data-feedback]");
  if (feedback && feedback.dataset.feedback === "found" && first) {
    first.focus();
  } else {
    field.focus();
  }
  // The page has been used: from now on a success may be heard (never on a page merely opened).
  var USED = "recond-scan-station-used";
  var used = function () {
    try { window.sessionStorage.setItem(USED, "yes"); } catch (ignored) { /* no storage: silent */ }
  };
  document.addEventListener("click", used);
  document.addEventListener("keydown", function (event) {
    used();
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

  // What was done or refused, said again once the region is in the page, so it is read out.
  var news = document.querySelector("[data-scan-news]");
  if (news && news.children.length) {
    var said = news.innerHTML;
    news.innerHTML = "";
    window.setTimeout(function () { news.innerHTML = said; }, 100);
  }

  // Feedback you can hear, beside the message a screen reader announces, once the page has
  // been used in this tab (a station opened is silent). The tone played is marked on the page.
  var heard = false;
  try { heard = window.sessionStorage.getItem(USED) === "yes"; } catch (ignored) { /* silent */ }
  if (feedback && heard) {
    try {
      document.documentElement.dataset.scanTone = feedback.dataset.feedback;
      var Context = window.AudioContext || window.webkitAudioContext;
      var audio = new Context();
      var ok = feedback.dataset.feedback !== "refused";
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
      // Our own canvas, sized to each frame: ZXing's sizes its canvas once, from the first frame,
      // and a camera that starts small then switches to its real size would be read cropped.
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      watch(function (frame) {
        return new Promise(function (resolve) {
          try {
            if (canvas.width !== frame.videoWidth || canvas.height !== frame.videoHeight) {
              canvas.width = frame.videoWidth;
              canvas.height = frame.videoHeight;
            }
            context.drawImage(frame, 0, 0, canvas.width, canvas.height);
            var luminance = new window.ZXing.HTMLCanvasElementLuminanceSource(canvas);
            var bitmap = new window.ZXing.BinaryBitmap(new window.ZXing.HybridBinarizer(luminance));
            resolve(reader.decodeBitmap(bitmap).getText());
          } catch (noCodeInThisFrame) {
            resolve(null);
          }
        });
      });
    });
  }
})();
