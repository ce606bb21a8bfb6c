/* Partner Locator pages: enhances the server-rendered search (works without this file).
 * - place autocomplete from /api/v1/suggest, "use my location"
 * - filters apply at once: the page's own HTML is fetched and its parts swapped in; the URL is
 *   updated with history.pushState, so sharing and the back button keep working
 * - Leaflet map (with marker clustering) of the results or of a partner's offices
 * - after a search, focus and view go to the results heading (its text is the count); other
 *   updates are announced in a live region; on phones the form folds into a one-line summary
 *   and a List/Map switch shows one of the two
 * Partner text only ever reaches the DOM through textContent or parsed server HTML (escaped there).
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* ---------- logos: the initial shows until the logo has loaded, and stays if it fails ---------- */

  function logoLoaded(img) {
    img.classList.add("is-loaded");
    var initial = img.parentNode && img.parentNode.querySelector(".logo-placeholder");
    if (initial) initial.remove();
  }
  function logoFailed(img) {
    img.remove();  // the slot's initial is already there
  }
  function settleLogos(root) {
    root.querySelectorAll(".logo-slot img").forEach(function (img) {
      if (img.complete) (img.naturalWidth ? logoLoaded : logoFailed)(img);
    });
  }
  ["load", "error"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var img = event.target;
      if (img instanceof HTMLImageElement && img.parentNode && img.parentNode.classList.contains("logo-slot")) {
        (type === "load" ? logoLoaded : logoFailed)(img);
      }
    }, true);
  });
  settleLogos(document);

  var form = document.querySelector("form[data-enhance=search]");
  var narrow = window.matchMedia("(max-width: 760px)");
  var shown = window.location.pathname + window.location.search;  // the search on screen
  var map = null;  // PartnerLocatorMap
  var pending = null;

  /* ---------- navigation without reload ---------- */

  function formUrl(f) {
    var params = new URLSearchParams();
    var data = new FormData(f);
    data.forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    if (params.get("near")) { params.delete("lat"); params.delete("lon"); }
    var query = params.toString();
    return f.getAttribute("action") + (query ? "?" + query : "");
  }

  function swapFrom(doc) {
    var focusedId = document.activeElement && document.activeElement.id;
    var oldDetails = document.querySelector(".filters-details");
    var filtersOpen = oldDetails ? oldDetails.open : true;
    doc.querySelectorAll("[data-swap]").forEach(function (fresh) {
      var old = document.querySelector('[data-swap="' + fresh.getAttribute("data-swap") + '"]');
      if (old) old.replaceWith(document.importNode(fresh, true));
    });
    if (doc.title) document.title = doc.title;
    form = document.querySelector("form[data-enhance=search]");
    bindForm();
    settleLogos(document);
    setCollapsed(document.documentElement.classList.contains("search-collapsed"));
    setView(document.documentElement.classList.contains("view-map") ? "map" : "list");
    var newDetails = document.querySelector(".filters-details");
    if (newDetails) newDetails.open = filtersOpen;
    if (focusedId) {
      var again = document.getElementById(focusedId);
      if (again) again.focus({ preventScroll: true });
    }
    refreshMap();
  }

  /* After: "results" moves focus (and, on phones, the view) to the results heading; otherwise
     the heading's text (the count) is announced and focus stays where it was. */
  function navigate(url, push, after) {
    if (pending) pending.abort();
    pending = new AbortController();
    var results = document.getElementById("results");
    if (results) results.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { Accept: "text/html" }, signal: pending.signal, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        swapFrom(doc);
        if (push) history.pushState({ locator: true }, "", url);
        shown = window.location.pathname + window.location.search;
        if (after === "results") {
          setCollapsed(narrow.matches);
          focusResults();
        } else {
          announce();
        }
      })
      .catch(function (err) {
        if (err.name !== "AbortError") window.location.assign(url);
      });
  }

  function bindForm() {
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var page = form.querySelector("input[name=page]");
      if (page) page.remove();
      navigate(formUrl(form), true, "results");
    });
    var formId = form.id;
    document.querySelectorAll('#filters input[form="' + formId + '"], #' + formId + " select").forEach(function (input) {
      input.addEventListener("change", function () { navigate(formUrl(form), true); });
    });
    bindSuggest(form.querySelector("[data-suggest]"));
    var locate = form.querySelector("[data-action=locate]");
    if (locate && geolocationAllowed()) locate.addEventListener("click", useMyLocation);
    else if (locate) locate.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".pager a, .widenings a, .alert a");
    if (!link || !form || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.getAttribute("href"), true, "results");
  });

  window.addEventListener("popstate", function () {
    var now = window.location.pathname + window.location.search;
    if (form && now !== shown) navigate(now, false);  // not for a jump to #results-heading
  });

  /* ---------- results: focus, announcements, the folded form, List/Map ---------- */

  function focusResults() {
    var heading = document.getElementById("results-heading");
    if (!heading) return;
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    var top = document.documentElement.classList.contains("search-collapsed") && narrow.matches
      ? document.querySelector(".search-summary") : heading;
    top.scrollIntoView({ block: narrow.matches ? "start" : "nearest" });
  }

  function announce() {
    var region = document.getElementById("search-announcer");
    var heading = document.getElementById("results-heading");
    if (region && heading) region.textContent = heading.textContent.replace(/\s+/g, " ").trim();
  }

  function setCollapsed(on) {
    var summary = document.querySelector(".search-summary");
    var folded = !!(on && summary && !summary.hasAttribute("data-empty"));
    document.documentElement.classList.toggle("search-collapsed", folded);
    var change = document.querySelector("[data-action=change-search]");
    if (change) change.setAttribute("aria-expanded", folded ? "false" : "true");
  }

  function setView(view) {
    var choice = document.querySelector(".view-switch");
    if (!choice) return;
    if (choice.hasAttribute("data-empty")) view = "list";
    var root = document.documentElement;
    var changed = root.classList.contains("view-map") !== (view === "map");
    root.classList.toggle("view-map", view === "map");
    root.classList.toggle("view-list", view !== "map");
    choice.querySelectorAll("[data-view]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-view") === view ? "true" : "false");
    });
    if (changed && map) { map.resize(); refreshMap(); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-action=change-search], [data-view]");
    if (!target) return;
    if (target.hasAttribute("data-view")) { setView(target.getAttribute("data-view")); return; }
    setCollapsed(false);
    var first = form && form.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  });

  /* ---------- "use my location" ---------- */

  function setHidden(name, value) {
    var input = form.querySelector("input[type=hidden][name=" + name + "]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  /* An iframe whose host did not allow="geolocation" may not ask: no button there. */
  function geolocationAllowed() {
    var policy = document.permissionsPolicy || document.featurePolicy;
    return !!navigator.geolocation && (!policy || policy.allowsFeature("geolocation"));
  }

  function useMyLocation() {
    var status = form.querySelector(".locate-status");
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(function (position) {
      var near = form.querySelector("[name=near]");
      near.value = "";
      near.placeholder = "Your location";
      setHidden("lat", position.coords.latitude.toFixed(5));
      setHidden("lon", position.coords.longitude.toFixed(5));
      status.textContent = "Using your location.";
      navigate(formUrl(form), true, "results");
    }, function (error) {
      var blocked = /polic/i.test(error.message || "");  // no policy API to ask beforehand: hide it now
      if (blocked) form.querySelector("[data-action=locate]").hidden = true;
      status.textContent = blocked ? "Location is not available here. Type a place." : error.code === 1
        ? "Location not shared. Type a place instead." : "Location not found. Type a place instead.";
    }, { timeout: 10000, maximumAge: 600000 });
  }

  /* ---------- place autocomplete ---------- */

  /* /api/v1/suggest answers {q, items: [{kind: "partner", label, url} | {kind: "place", label, ...}]}. */
  function suggestionItems(body) {
    return body.items.slice(0, 10);
  }

  function bindSuggest(input) {
    if (!input) return;
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var items = [];
    var active = -1;
    var timer = null;

    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function choose(item) {
      close();
      if (item.kind === "partner" && item.url) { window.location.assign(item.url); return; }
      input.value = item.label;
      var lat = form.querySelector("input[type=hidden][name=lat]");
      var lon = form.querySelector("input[type=hidden][name=lon]");
      if (lat) lat.remove();
      if (lon) lon.remove();
      navigate(formUrl(form), true, "results");
    }
    function render() {
      box.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = input.id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = item.label;
        if (item.kind && item.kind !== "place") {
          var kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = "(" + item.kind + ")";
          li.appendChild(kind);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        box.appendChild(li);
      });
      box.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) input.setAttribute("aria-activedescendant", input.id + "-option-" + active);
      else input.removeAttribute("aria-activedescendant");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2) { items = []; render(); return; }
      timer = setTimeout(function () {
        fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (body) {
            if (input.value.trim() !== text) return;
            items = suggestionItems(body);
            active = -1;
            render();
          })
          .catch(function () { items = []; render(); });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (box.hidden) return;
      if (event.key === "ArrowDown") { active = (active + 1) % items.length; render(); event.preventDefault(); }
      else if (event.key === "ArrowUp") { active = (active - 1 + items.length) % items.length; render(); event.preventDefault(); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(items[active]); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  /* ---------- map (map.js, shared with the widget) ---------- */

  function points() {
    var found = [];
    document.querySelectorAll(".result[data-lat], .office-item[data-lat]").forEach(function (el) {
      var lat = parseFloat(el.getAttribute("data-lat"));
      var lon = parseFloat(el.getAttribute("data-lon"));
      if (isNaN(lat) || isNaN(lon)) return;
      var link = el.querySelector(".result-name a");
      found.push({ lat: lat, lon: lon, name: el.getAttribute("data-name") || "", href: link ? link.getAttribute("href") : null,
                   remote: el.hasAttribute("data-remote") });
    });
    return found;
  }

  function searchedPlace() {
    var here = document.querySelector("[data-search-location]");
    if (!here) return null;
    return { lat: parseFloat(here.getAttribute("data-lat")), lon: parseFloat(here.getAttribute("data-lon")),
             label: here.getAttribute("data-label") || "" };
  }

  function initMap() {
    var el = document.getElementById("map");
    if (!el || typeof window.L === "undefined" || !window.PartnerLocatorMap) { if (el) el.hidden = true; return; }
    map = window.PartnerLocatorMap.create(el, { tileUrl: el.getAttribute("data-tile-url"),
                                                tileAttribution: el.getAttribute("data-tile-attribution") });
    refreshMap();
  }

  function refreshMap() {
    if (map) map.show(points(), searchedPlace());
  }

  /* ---------- narrow screens: filters start folded (the summary says how many are chosen) ---------- */

  function collapseFiltersOnNarrow() {
    var details = document.querySelector(".filters-details");
    if (!details) return;
    if (window.matchMedia("(max-width: 760px)").matches) details.open = false;
  }

  bindForm();
  collapseFiltersOnNarrow();
  setCollapsed(narrow.matches && !!document.querySelector(".results-heading"));
  setView("list");
  initMap();
  var onWidth = function () { if (map) { map.resize(); refreshMap(); } };
  if (narrow.addEventListener) narrow.addEventListener("change", onWidth);
})();
