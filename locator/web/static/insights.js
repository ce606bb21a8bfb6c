/* /admin/insights: searches per region as graduated circles at region centres; gaps in red.
 * Data from the page's JSON block (#insights-regions); names reach the map only as text. */
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("insights-map");
    var data = document.getElementById("insights-regions");
    if (!element || !data || !window.L) return;
    var regions = JSON.parse(data.textContent || "[]");
    var L = window.L;
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution || "", maxZoom: 12 }).addTo(map);
    var most = regions.reduce(function (m, r) { return Math.max(m, r.searches); }, 1);
    var bounds = [];
    regions.forEach(function (r) {
      var radius = 4 + 26 * Math.sqrt(r.searches / most);  // area proportional to searches
      var circle = L.circleMarker([r.lat, r.lon], {
        radius: radius, weight: 1, color: r.gap ? "#a61b1b" : "#1f4f8f",
        fillColor: r.gap ? "#e74c3c" : "#2f5fa7", fillOpacity: r.gap ? 0.6 : 0.35,
        className: r.gap ? "region-gap" : "region"
      });
      var box = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = r.name;
      box.appendChild(title);
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(r.searches + " searches, " + r.partners + " partners" + (r.gap ? " (gap)" : "")));
      circle.bindPopup(box);
      circle.bindTooltip(r.name + ": " + r.searches + " searches, " + r.partners + " partners");
      circle.addTo(map);
      bounds.push([r.lat, r.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 6 });
    else map.setView([30, 0], 2);
    element.dataset.regions = String(regions.length);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
