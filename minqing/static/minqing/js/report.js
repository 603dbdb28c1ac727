// 随手拍: fill the coordinate fields from the phone's position ("使用当前位置").
// The button stays hidden where the browser has no geolocation; the texts come from
// the button's data attributes so they follow the page's language.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  if (!button) {
    return;
  }
  var status = document.getElementById("location-status");
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }
  if (!("geolocation" in navigator)) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    say(button.dataset.locating);
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        button.disabled = false;
        say(button.dataset.done);
      },
      function () {
        button.disabled = false;
        say(button.dataset.denied);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
