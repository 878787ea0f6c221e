/* The resident portal's one script: photos are made smaller in the phone before they are sent
   (a phone photo of 4-8 MB becomes ~300 KB), at most data-max-photos per form. Without this
   script the originals are sent as they are; the server checks them either way. */
(function () {
  "use strict";
  var LONGEST = 1600;
  var QUALITY = 0.82;

  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\//.test(file.type) || !window.HTMLCanvasElement) { resolve(file); return; }
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, LONGEST / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function prepare(input) {
    var form = input.form;
    var max = parseInt(form.getAttribute("data-max-photos") || "9", 10);
    var note = form.querySelector(".photo-note");
    var submit = form.querySelector("button[type=submit]");
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || [], 0, max);
      if (!files.length) { if (note) { note.textContent = ""; } return; }
      if (submit) { submit.disabled = true; }
      if (note) { note.textContent = "…"; }
      Promise.all(files.map(shrink)).then(function (small) {
        try {
          var list = new DataTransfer();
          small.forEach(function (f) { list.items.add(f); });
          input.files = list.files;
        } catch (e) { /* an old browser: the originals go as they are */ }
        if (note) {
          var kb = Math.round(small.reduce(function (s, f) { return s + f.size; }, 0) / 1024);
          note.textContent = note.getAttribute("data-done") || (small.length + " / " + max + " · " + kb + " KB");
        }
        input.setAttribute("data-ready", String(small.length));
        if (submit) { submit.disabled = false; }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input.photo-input"), prepare);
  });
})();
