/* The citizen's forms (minqing/templates/opinions/public/): a live character counter,
 * "use my location", a submit button that cannot be pressed twice, a copy button for the
 * tracking code. Plain JavaScript, no dependency; every text comes translated from the
 * page's data-* attributes. The pages work without it (the server checks everything). */
(function () {
  "use strict";

  function chars(value) {
    // Count as the server does: code points of the trimmed text, CR LF as one.
    return Array.from(value.replace(/\r\n/g, "\n").trim()).length;
  }

  function setupCounters(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(function (area) {
      var out = root.querySelector('[data-counter-for="' + area.id + '"]');
      if (!out) return;
      var max = parseInt(area.getAttribute("data-counter"), 10);
      var min = parseInt(area.getAttribute("data-counter-min") || "0", 10);
      var update = function () {
        var n = chars(area.value);
        out.textContent = String(n);
        var bad = n > max || (n > 0 && n < min);
        out.parentNode.classList.toggle("text-danger", bad);
      };
      area.addEventListener("input", update);
      update();
    });
  }

  function setupGeolocation(root) {
    var button = root.querySelector("[data-geolocate]");
    if (!button) return;
    var lat = root.querySelector('input[name="latitude"]');
    var lon = root.querySelector('input[name="longitude"]');
    var status = root.querySelector("[data-geo-status]");
    var clear = root.querySelector("[data-geo-clear]");
    var say = function (text) { if (status) status.textContent = text; };
    var showClear = function (on) { if (clear) clear.classList.toggle("d-none", !on); };
    if (lat && lat.value) { showClear(true); }
    if (!("geolocation" in navigator)) {
      button.disabled = true;
      say(button.getAttribute("data-msg-unsupported"));
      return;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      say(button.getAttribute("data-msg-wait"));
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lon.value = pos.coords.longitude.toFixed(6);
          button.disabled = false;
          say(button.getAttribute("data-msg-ok").replace("{n}", String(Math.round(pos.coords.accuracy))));
          showClear(true);
        },
        function (err) {
          button.disabled = false;
          say(button.getAttribute(err && err.code === 1 ? "data-msg-denied" : "data-msg-failed"));
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
    if (clear) {
      clear.addEventListener("click", function () {
        lat.value = "";
        lon.value = "";
        say("");
        showClear(false);
      });
    }
  }

  function setupPhotos(root) {
    var input = root.querySelector('input[type="file"][data-max-files]');
    if (!input) return;
    var note = root.querySelector("[data-photo-status]");
    input.addEventListener("change", function () {
      var max = parseInt(input.getAttribute("data-max-files"), 10);
      var n = input.files ? input.files.length : 0;
      var tooMany = n > max;
      input.setCustomValidity(tooMany ? input.getAttribute("data-msg-too-many") : "");
      if (note) {
        note.textContent = n ? input.getAttribute(tooMany ? "data-msg-too-many" : "data-msg-chosen").replace("{n}", String(n)) : "";
        note.classList.toggle("text-danger", tooMany);
      }
    });
  }

  function setupSubmit(form) {
    var button = form.querySelector("[data-submit]");
    var busy = form.querySelector("[data-busy]");
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sending") === "1") {
        // A second tap while the first is on its way: the server would answer with the
        // same opinion anyway (client_token), but the phone need not upload twice.
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sending", "1");
      if (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      }
      if (busy) busy.classList.remove("d-none");
    });
    // Back to the page from the browser's cache: make it usable again.
    window.addEventListener("pageshow", function () {
      form.removeAttribute("data-sending");
      if (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
      if (busy) busy.classList.add("d-none");
    });
  }

  function setupCopy(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var text = button.getAttribute("data-copy");
        var done = function () {
          var label = button.textContent;
          button.textContent = button.getAttribute("data-copied-text");
          setTimeout(function () { button.textContent = label; }, 2000);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
        } else {
          fallbackCopy(text);
          done();
        }
      });
    });
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the code stays on screen */ }
    document.body.removeChild(area);
  }

  function setupRating(root) {
    var form = root.querySelector("form[data-rate]");
    if (!form) return;
    var comment = form.querySelector('textarea[name="comment"]');
    var hint = form.querySelector("[data-unsatisfied-hint]");
    form.querySelectorAll('input[name="level"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        var unhappy = radio.checked && radio.value === "unsatisfied";
        if (comment) comment.required = unhappy;
        if (hint) hint.classList.toggle("d-none", !unhappy);
      });
    });
  }

  function init() {
    var root = document;
    setupCounters(root);
    setupGeolocation(root);
    setupPhotos(root);
    setupCopy(root);
    setupRating(root);
    root.querySelectorAll("form[data-citizen-form]").forEach(setupSubmit);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
