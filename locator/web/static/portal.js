/* The partner portal's profile form (also the admin's edit page and the revision diff):
 *  - the description's preview follows the text as it is typed (as text: paragraphs via textContent);
 *  - each office has a map: typing an address asks the server's geocoder (GET data-geocode-url, the same
 *    geocoding as an import) and moves the pin; dragging the pin keeps that point ("manual");
 *  - a revision's office diff shows old (grey) and new (red) pins on one map.
 * Without JavaScript the form works as is: the server geocodes changed addresses and shows the preview.
 */
(function () {
  "use strict";
  var form = document.getElementById("profile-form");

  function paragraphs(text) {
    return text.split(/\r\n|\r|\n/).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function descriptionPreview() {
    var input = document.getElementById("description");
    var preview = document.querySelector("[data-description-preview]");
    var count = document.querySelector("[data-description-count]");
    if (!input || !preview) return;
    input.addEventListener("input", function () {
      preview.textContent = "";
      paragraphs(input.value).forEach(function (p) {
        var el = document.createElement("p");
        el.dir = "auto";
        el.textContent = p;
        preview.appendChild(el);
      });
      if (count) count.textContent = String(input.value.length);
    });
  }

  function mapOptions(el) {
    return { tileUrl: el.getAttribute("data-tile-url"), tileAttribution: el.getAttribute("data-tile-attribution") };
  }

  function officeEditor(fieldset, options, geocodeUrl) {
    var L = window.L;
    var mapEl = fieldset.querySelector("[data-office-map]");
    var status = fieldset.querySelector("[data-status]");
    var point = {};
    fieldset.querySelectorAll("[data-point]").forEach(function (el) { point[el.getAttribute("data-point")] = el; });
    var inputs = fieldset.querySelectorAll("[data-address]");
    var map = null, marker = null, timer = null, asked = 0;

    function say(text, flag) {
      status.textContent = "";
      var el = document.createElement(flag ? "strong" : "span");
      if (flag) el.className = "flag";
      el.textContent = text;
      status.appendChild(el);
    }

    function place(lat, lon, zoom) {
      if (!map) {
        mapEl.classList.add("shown");
        map = window.PartnerLocatorMap.create(mapEl, options).leaflet;
      }
      if (!marker) {
        marker = L.marker([lat, lon], { draggable: true, autoPan: true, title: "Office position (drag to correct)",
                                        alt: "Office position" }).addTo(map);
        marker.on("dragend", function () {
          var at = marker.getLatLng();
          point.lat.value = at.lat.toFixed(6);
          point.lon.value = at.lng.toFixed(6);
          point.source.value = "manual";
          say("Placed by hand at " + at.lat.toFixed(5) + ", " + at.lng.toFixed(5) + ".");
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
      map.invalidateSize();
      map.setView([lat, lon], zoom || map.getZoom() || 12);
    }

    function address() {
      var values = {};
      inputs.forEach(function (el) { values[el.getAttribute("data-address")] = el.value.trim(); });
      return values;
    }

    function geocode() {
      var values = address();
      var any = Object.keys(values).some(function (k) { return values[k]; });
      if (!any) return;
      var ticket = ++asked;
      var params = new URLSearchParams(values);
      say("Finding this address on the map…");
      fetch(geocodeUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (found) {
          if (ticket !== asked) return;
          point.placed.value = found.placed || "";
          if (found.found) {
            point.lat.value = found.lat;
            point.lon.value = found.lon;
            point.source.value = found.source || "";
            place(found.lat, found.lon, 13);
            say("On the map at " + Number(found.lat).toFixed(5) + ", " + Number(found.lon).toFixed(5) +
                " (" + (found.label || "found") + "). Drag the pin if it is not quite right.");
          } else {
            point.lat.value = ""; point.lon.value = ""; point.source.value = "";
            say("We could not place this address on the map. It is kept without a point; correct it, or place the pin by hand.", true);
            place(map ? map.getCenter().lat : 30, map ? map.getCenter().lng : 0, map ? null : 2);
          }
        })
        .catch(function () { if (ticket === asked) say("The map could not be updated; the address is placed when you submit.", true); });
    }

    inputs.forEach(function (el) {
      el.addEventListener("change", function () {
        point.source.value = point.source.value === "manual" ? "" : point.source.value;
        clearTimeout(timer);
        timer = setTimeout(geocode, 150);
      });
    });
    if (point.lat.value && point.lon.value) place(Number(point.lat.value), Number(point.lon.value), 13);
  }

  function offices() {
    if (!form || !window.L || !window.PartnerLocatorMap) return;
    var options = mapOptions(form), url = form.getAttribute("data-geocode-url");
    form.querySelectorAll(".office-editor").forEach(function (fieldset) { officeEditor(fieldset, options, url); });
  }

  function diffMaps() {
    if (!window.L || !window.PartnerLocatorMap) return;
    document.querySelectorAll("[data-diff-map]").forEach(function (el) {
      var field = el.closest(".diff-field");
      var pins = field ? field.querySelectorAll("[data-pin]") : [];
      if (!pins.length) return;
      el.classList.add("shown");
      var map = window.PartnerLocatorMap.create(el, mapOptions(el)).leaflet;
      var bounds = [];
      pins.forEach(function (li) {
        var lat = Number(li.getAttribute("data-lat")), lon = Number(li.getAttribute("data-lon"));
        var old = li.getAttribute("data-pin") === "old";
        var label = document.createElement("span");
        label.textContent = (old ? "Before: " : "After: ") + li.getAttribute("data-name");
        window.L.circleMarker([lat, lon], { radius: old ? 6 : 8, color: old ? "#777" : "#e24329", weight: 3 })
          .bindTooltip(label).addTo(map);
        bounds.push([lat, lon]);
      });
      map.invalidateSize();
      if (bounds.length === 1) map.setView(bounds[0], 12);
      else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
    });
  }

  descriptionPreview();
  offices();
  diffMaps();
})();
