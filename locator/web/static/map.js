/* The Partner Locator's map, one module for both front ends (the pages' locator.js and the widget).
 *   var map = PartnerLocatorMap.create(element, { tileUrl, tileAttribution });
 *   map.show(points, place)   // points: [{lat, lon, name, href?, remote?}]; place: {lat, lon, label} or null
 *   map.clear(); map.resize();
 * Markers cluster where Leaflet.markercluster is loaded; the view fits the nearby partners and the searched
 * place (remote partners' far offices do not set it); when tiles fail, a note on the map says the list has
 * every partner. Partner names reach the map only as text (title, alt, textContent).
 */
(function () {
  "use strict";
  if (window.PartnerLocatorMap) return;
  var TILES_FAILED = "The map background could not be loaded; the list has every partner.";

  function popupFor(name, href) {
    var box = document.createElement("div");
    var inner = box;
    if (href) {
      inner = document.createElement("a");
      inner.href = href;
      if (/^https?:/i.test(href) && new URL(href).origin !== window.location.origin) {
        inner.target = "_blank";
        inner.rel = "noopener";
      }
      box.appendChild(inner);
    }
    inner.textContent = name;
    return box;
  }

  function create(element, options) {
    var L = window.L;
    var map = L.map(element, { scrollWheelZoom: false, keyboard: true });
    var tiles = L.tileLayer(options.tileUrl, { attribution: options.tileAttribution || "", maxZoom: 18 });
    var failures = 0;
    tiles.on("tileerror", function () {
      failures += 1;
      if (failures !== 1) return;
      var note = L.control({ position: "bottomleft" });  // on the map itself, so it shows only where the map does
      note.onAdd = function () {
        var p = L.DomUtil.create("p", "map-note");
        p.setAttribute("role", "status");
        p.textContent = TILES_FAILED;
        return p;
      };
      note.addTo(map);
    });
    tiles.addTo(map);
    var layer = null;

    function clear() {
      if (layer) map.removeLayer(layer);
      layer = null;
    }

    function show(points, place) {
      clear();
      var markers = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup() : L.layerGroup();
      layer = L.layerGroup([markers]);  // the searched place stays outside the clusters
      var bounds = [], remote = [];
      points.forEach(function (p) {
        var marker = L.marker([p.lat, p.lon], { title: p.name, alt: p.name });
        marker.bindPopup(popupFor(p.name, p.href));
        markers.addLayer(marker);
        (p.remote ? remote : bounds).push([p.lat, p.lon]);
      });
      if (!bounds.length) bounds = remote;
      if (place) {  // the searched place
        var label = document.createElement("span");
        label.textContent = place.label || "";
        L.circleMarker([place.lat, place.lon], { radius: 7, color: "#e24329", weight: 3 }).bindTooltip(label).addTo(layer);
        bounds.push([place.lat, place.lon]);
      }
      map.addLayer(layer);
      map.invalidateSize();
      if (bounds.length === 1) map.setView(bounds[0], 10);
      else if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
      else map.setView([30, 0], 1);
    }

    return { show: show, clear: clear, resize: function () { map.invalidateSize(); }, leaflet: map };
  }

  window.PartnerLocatorMap = { create: create };
})();
