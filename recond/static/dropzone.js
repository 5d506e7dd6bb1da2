/* Drag and drop onto a file field: the field stays the way to choose a file (keyboard, screen
   readers); dropping a file on its zone fills it, and the zone says which file was chosen. */
(function () {
  "use strict";
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var status = zone.querySelector("[data-dropzone-status]");
    if (!input) { return; }
    function say() {
      if (status && input.files.length) { status.textContent = input.files[0].name; }
    }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone-over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dropzone-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        say();
      }
    });
    input.addEventListener("change", say);
  });
})();
