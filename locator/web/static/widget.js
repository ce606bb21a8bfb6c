/* <partner-locator> — the Partner Locator as a custom element for any web page.
 *
 *   <script src="https://LOCATOR/widget.js" async></script>
 *   <partner-locator near="Berlin" language="de" service="migration" per-page="5"></partner-locator>
 *
 * Attributes: q, near, radius-km, language, service, segment, type, track (comma lists allowed),
 * per-page, lock="language,service" (those filters are fixed), map="true", api (the locator's URL;
 * by default where this script came from). Theme with CSS custom properties on the element:
 * --pl-accent, --pl-text, --pl-muted, --pl-background, --pl-border, --pl-radius, --pl-font.
 * Everything renders in a Shadow DOM; partner text is only ever set with textContent.
 * The server owns the words: the filters, their labels and values, the radii come in CONFIG (injected by
 * /widget.js), each result's words in its `display` (the API's); the map is map.js, as on the pages.
 */
(function () {
  "use strict";
  if (!window.customElements || window.customElements.get("partner-locator")) return; // second include

  var CONFIG = /*LOCATOR_CONFIG*/{ "tileUrl": "", "tileAttribution": "" };
  var script = document.currentScript;
  var SCRIPT_ORIGIN = script && script.src ? new URL(script.src, window.location.href).origin : window.location.origin;
  var FILTERS = CONFIG.filters;  // [{name, label, values: {code: label}}]

  var CSS = [
    ":host { all: initial !important; display: block !important; visibility: visible !important; opacity: 1 !important;",
    "  position: static !important; contain: layout style; box-sizing: border-box !important;",
    "  font-family: var(--pl-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif) !important; font-size: 16px !important;",
    "  line-height: 1.45 !important; color: var(--pl-text, #1f1f29) !important; background: var(--pl-background, #fff) !important;",
    "  border: 1px solid var(--pl-border, #d5d5de) !important; border-radius: var(--pl-radius, 6px) !important; padding: 12px !important; text-align: start !important; }",
    ":host([hidden]) { display: none !important; }",
    "*, *::before, *::after { box-sizing: border-box; }",
    ".pl-form { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; align-items: end; margin: 0 0 8px; }",
    "label { display: block; font-weight: 600; font-size: 14px; }",
    "input, select { display: block; width: 100%; margin-top: 2px; font: inherit; font-size: 15px; font-weight: 400; padding: 6px 8px; color: inherit; background: #fff;",
    "  border: 1px solid #8a8a99; border-radius: var(--pl-radius, 6px); }",
    "button { font: inherit; font-size: 15px; cursor: pointer; padding: 7px 14px; border-radius: var(--pl-radius, 6px);",
    "  border: 1px solid var(--pl-accent, #5a2ca0); background: var(--pl-accent, #5a2ca0); color: var(--pl-accent-text, #fff); }",
    "button[disabled] { opacity: .5; cursor: default; }",
    "button.secondary { background: #fff; color: var(--pl-accent, #5a2ca0); }",
    ":focus-visible { outline: 3px solid var(--pl-focus, #e24329); outline-offset: 2px; }",
    ".field { position: relative; min-width: 0; }",
    ".suggestions { position: absolute; z-index: 10; left: 0; right: 0; top: 100%; margin: 2px 0 0; padding: 0; list-style: none;",
    "  max-height: 264px; overflow-y: auto; background: #fff; color: var(--pl-text, #1f1f29); border: 1px solid #8a8a99;",
    "  border-radius: var(--pl-radius, 6px); box-shadow: 0 4px 12px rgba(0, 0, 0, .15); }",
    ".suggestions li { padding: 6px 8px; font-size: 15px; cursor: pointer; overflow-wrap: anywhere; }",
    ".suggestions li:hover { background: #f0f0f5; }",
    ".suggestions li[aria-selected=true] { background: var(--pl-accent, #5a2ca0); color: var(--pl-accent-text, #fff); }",
    ".did-you-mean { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 8px; padding: 0; list-style: none; }",
    ".did-you-mean button { font-size: 14px; padding: 4px 10px; }",
    ".locked { font-size: 14px; padding: 7px 0; }",
    ".locked strong { display: block; }",
    ".status { margin: 6px 0; color: var(--pl-muted, #555566); font-size: 15px; }",
    ".status.error { color: #a4221b; }",
    "ol { list-style: none; margin: 0; padding: 0; }",
    "li.result { display: flex; gap: 10px; padding: 10px 0; border-top: 1px solid var(--pl-border, #d5d5de); }",
    "img.logo, .logo { width: 40px; height: 40px; flex: none; border-radius: var(--pl-radius, 6px); border: 1px solid var(--pl-border, #d5d5de); object-fit: contain; background: #fff; }",
    ".logo { display: grid; place-items: center; font-weight: 700; color: var(--pl-accent, #5a2ca0); }",
    ".body { min-width: 0; flex: 1; }",
    "h3 { margin: 0; font-size: 17px; overflow-wrap: anywhere; }",
    "a { color: var(--pl-accent, #5a2ca0); }",
    ".explain, .facts, .profile { margin: 2px 0 0; font-size: 14px; color: var(--pl-muted, #555566); overflow-wrap: anywhere; }",
    ".explain { color: var(--pl-text, #1f1f29); }",
    ".legend { margin: 10px 0 0; padding: 8px 0 0; border-top: 1px solid var(--pl-border, #d5d5de); font-size: 13px; color: var(--pl-muted, #555566); }",
    ".legend dl { margin: 0; } .legend dl div { display: grid; grid-template-columns: 58px minmax(0, 1fr); gap: 6px; align-items: baseline; margin: 0 0 4px; }",
    ".legend dd { margin: 0; } .legend .badge { margin-left: 0; } .legend p { margin: 4px 0 0; }",
    ".badge { display: inline-block; margin-left: 6px; font-size: 12px; font-weight: 600; padding: 0 7px; border-radius: 999px; vertical-align: middle; }",
    ".badge-select { background: #fff1d6; color: #7a4c00; border: 1px solid #e0b860; }",
    ".badge-open { background: #e6f0ff; color: #1a4f9c; border: 1px solid #9bb8e6; }",
    ".pager { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin-top: 8px; font-size: 14px; }",
    ".map { height: 260px; margin-top: 8px; border: 1px solid var(--pl-border, #d5d5de); border-radius: var(--pl-radius, 6px); }",
    ".map[hidden], [hidden] { display: none !important; }",
    ".pl-contact { margin-top: 8px; padding: 8px; border: 1px solid var(--pl-border, #d5d5de); border-radius: var(--pl-radius, 6px); display: grid; gap: 6px; }",
    ".pl-contact textarea { display: block; width: 100%; font: inherit; font-size: 15px; padding: 6px 8px; border: 1px solid #8a8a99; border-radius: var(--pl-radius, 6px); }",
    ".pl-contact .pl-consent { font-weight: 400; display: flex; gap: 8px; align-items: baseline; }",
    ".pl-contact input[type=checkbox] { display: inline-block; width: auto; margin: 0; flex: none; }",
    ".pl-contact button[type=submit] { justify-self: start; } .pl-contact-open { margin-top: 6px; font-size: 14px; padding: 4px 12px; }",
    "[aria-invalid=true] { border-color: #a4221b !important; }",
    ".sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }"
  ].join("\n");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = String(text);
    return node;
  }

  function list(value) {
    return (value || "").split(",").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  /* A filter value's label from the server's vocabulary (a code it does not know stays as typed). */
  function valueLabel(filter, code) {
    return Object.prototype.hasOwnProperty.call(filter.values, code) ? filter.values[code] : code;
  }

  function attachStyles(root) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(el("style", {}, CSS));
    }
  }

  var counter = 0;

  class PartnerLocator extends HTMLElement {
    static get observedAttributes() {
      return ["q", "near", "radius-km"].concat(FILTERS.map(function (f) { return f.name; }), ["per-page", "lock", "map", "api"]);
    }

    constructor() {
      super();
      this._root = this.attachShadow({ mode: "open" });
      attachStyles(this._root);
      this._uid = "pl" + (++counter);
      this._page = 1;
      this._built = false;
      this._timer = null;
    }

    connectedCallback() {
      if (!this._built) this._build();
      this._schedule();
    }

    attributeChangedCallback() {
      if (this._built) { this._applyPresets(); this._schedule(); }
    }

    get base() {
      return (this.getAttribute("api") || SCRIPT_ORIGIN).replace(/\/+$/, "");
    }

    get locked() { return list(this.getAttribute("lock")); }

    _schedule() {
      var self = this;
      clearTimeout(this._timer);
      this._timer = setTimeout(function () { self._page = 1; self.search(); }, 0);
    }

    _build() {
      var self = this;
      var id = this._uid;
      var wrap = el("div", { class: "pl", part: "container" });
      var form = el("form", { class: "pl-form", role: "search", "aria-label": "Partner search" });
      this._inputs = {};

      function field(name, text, input, parent) {
        var label = el("label", { for: id + "-" + name }, text);
        input.id = id + "-" + name;
        input.name = name;
        label.appendChild(input);
        (parent || form).appendChild(label);
        self._inputs[name] = input;
      }
      field("q", "Keyword", el("input", { type: "search", maxlength: "200", autocomplete: "off" }));
      // The place field is a combobox (as on the locator's own page): places suggested as you type.
      var nearBox = el("div", { class: "field" });
      field("near", "Place", el("input", { type: "text", maxlength: "200", autocomplete: "off", placeholder: "City or country",
        role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id + "-places" }), nearBox);
      this._places = el("ul", { id: id + "-places", class: "suggestions", role: "listbox", "aria-label": "Suggested places" });
      this._places.hidden = true;
      nearBox.appendChild(this._places);
      form.appendChild(nearBox);
      var radius = el("select");
      CONFIG.radii.forEach(function (r) { radius.appendChild(el("option", { value: String(r.value) }, r.label)); });
      field("radius_km", "Within", radius);

      this._filterSlots = {};
      FILTERS.forEach(function (f) {
        var slot = el("div", { class: "filter", "data-filter": f.name });
        form.appendChild(slot);
        self._filterSlots[f.name] = slot;
      });
      var submit = el("button", { type: "submit" }, "Search");
      form.appendChild(submit);
      form.addEventListener("submit", function (event) { event.preventDefault(); self._closePlaces(); self._page = 1; self.search(); });

      this._status = el("p", { class: "status", role: "status", "aria-live": "polite" });
      this._didYouMean = el("ul", { class: "did-you-mean", "aria-label": "Places you may mean" });
      this._didYouMean.hidden = true;
      this._list = el("ol", { class: "results", "aria-label": "Partners" });
      var pager = el("nav", { class: "pager", "aria-label": "Result pages" });
      this._prev = el("button", { type: "button", class: "secondary" }, "‹ Previous");
      this._next = el("button", { type: "button", class: "secondary" }, "Next ›");
      this._pageInfo = el("span");
      this._prev.addEventListener("click", function () { self._page -= 1; self.search(); });
      this._next.addEventListener("click", function () { self._page += 1; self.search(); });
      pager.append(this._prev, this._pageInfo, this._next);
      this._pager = pager;
      this._mapBox = el("div", { class: "map", role: "region", "aria-label": "Map of the partners (the list has the same partners)" });
      this._mapBox.hidden = true;

      this._legend = this._buildLegend();
      wrap.append(form, this._status, this._didYouMean, this._list, pager, this._legend, this._mapBox);
      this._root.appendChild(wrap);
      this._form = form;
      this._built = true;
      this._bindPlaces();
      this._applyPresets();
    }

    /* Place autocomplete from /api/v1/suggest (its `items`; places only): a keyboard-operable ARIA combobox. */
    _bindPlaces() {
      var self = this, input = this._inputs.near, box = this._places;
      var timer = null;
      this._placeItems = [];
      this._active = -1;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        var text = input.value.trim();
        if (text.length < 2) { self._placeItems = []; self._closePlaces(); return; }
        timer = setTimeout(function () {
          fetch(self.base + "/api/v1/suggest?q=" + encodeURIComponent(text), { credentials: "omit", headers: { Accept: "application/json" } })
            .then(function (r) { return r.ok ? r.json() : { items: [] }; })
            .then(function (body) {
              if (input.value.trim() !== text) return;
              self._placeItems = body.items.filter(function (item) { return item.kind === "place"; })
                .map(function (item) { return item.label; });
              self._active = -1;
              self._renderPlaces();
            })
            .catch(function () { self._placeItems = []; self._closePlaces(); });
        }, 150);
      });
      input.addEventListener("keydown", function (event) {
        var count = self._placeItems.length;
        if (box.hidden) {
          if (event.key === "ArrowDown" && count) { self._active = 0; self._renderPlaces(); event.preventDefault(); }
          return;
        }
        if (event.key === "ArrowDown") { self._active = (self._active + 1) % count; self._renderPlaces(); event.preventDefault(); }
        else if (event.key === "ArrowUp") { self._active = (self._active - 1 + count) % count; self._renderPlaces(); event.preventDefault(); }
        else if (event.key === "Enter" && self._active >= 0) { event.preventDefault(); self._choosePlace(self._placeItems[self._active]); }
        else if (event.key === "Escape") { event.preventDefault(); self._closePlaces(); }
      });
      input.addEventListener("blur", function () { setTimeout(function () { self._closePlaces(); }, 100); });
    }

    _renderPlaces() {
      var self = this, input = this._inputs.near, box = this._places;
      box.textContent = "";
      this._placeItems.forEach(function (label, i) {
        var option = el("li", { id: box.id + "-" + i, role: "option", "aria-selected": i === self._active ? "true" : "false" }, label);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); self._choosePlace(label); });
        box.appendChild(option);
      });
      var open = this._placeItems.length > 0;
      box.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (open && this._active >= 0) {
        input.setAttribute("aria-activedescendant", box.id + "-" + this._active);
        box.children[this._active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    _closePlaces() {
      this._places.hidden = true;
      this._inputs.near.setAttribute("aria-expanded", "false");
      this._inputs.near.removeAttribute("aria-activedescendant");
      this._active = -1;
    }

    _choosePlace(label) {
      this._closePlaces();
      this._inputs.near.value = label;
      this._page = 1;
      this.search();
    }

    _applyPresets() {
      var self = this;
      this._inputs.q.value = this.getAttribute("q") || "";
      this._inputs.near.value = this.getAttribute("near") || "";
      var radius = this.getAttribute("radius-km");
      if (radius) {
        if (!CONFIG.radii.some(function (r) { return String(r.value) === radius; })) {
          this._inputs.radius_km.appendChild(el("option", { value: radius }, radius + " km"));
        }
        this._inputs.radius_km.value = radius;
      } else {
        this._inputs.radius_km.value = String(CONFIG.defaultRadius);
      }
      this._selected = {};
      FILTERS.forEach(function (f) { self._selected[f.name] = list(self.getAttribute(f.name)); });
      this._renderFilters({});
    }

    _renderFilters(facets) {
      var self = this;
      FILTERS.forEach(function (f) {
        var name = f.name, text = f.label, slot = self._filterSlots[name];
        var chosen = self._selected[name];
        slot.textContent = "";
        if (self.locked.indexOf(name) >= 0) {
          var fixed = el("div", { class: "locked" });
          fixed.appendChild(el("strong", {}, text));
          fixed.appendChild(document.createTextNode(chosen.map(function (c) { return valueLabel(f, c); }).join(", ") || "Any"));
          slot.appendChild(fixed);
          return;
        }
        var select = el("select", { id: self._uid + "-" + name, name: name });
        select.appendChild(el("option", { value: "" }, "Any"));
        var counts = facets[name] || {};
        var values = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; });
        chosen.forEach(function (c) { if (values.indexOf(c) < 0) values.push(c); });
        values.forEach(function (v) {
          var label = valueLabel(f, v) + (v in counts ? " (" + counts[v] + ")" : "");
          var option = el("option", { value: v }, label);
          if (chosen.indexOf(v) >= 0) option.selected = true;
          select.appendChild(option);
        });
        if (chosen.length > 1) select.multiple = true;
        select.addEventListener("change", function () {
          self._selected[name] = Array.prototype.filter.call(select.selectedOptions, function (option) { return option.value; })
            .map(function (option) { return option.value; });
          self._page = 1;
          self.search();
        });
        var label = el("label", { for: select.id }, text);
        label.appendChild(select);
        slot.appendChild(label);
      });
    }

    _params() {
      var params = new URLSearchParams();
      var q = this._inputs.q.value.trim(), near = this._inputs.near.value.trim();
      if (q) params.set("q", q);
      if (near) { params.set("near", near); params.set("radius_km", this._inputs.radius_km.value); }
      var self = this;
      FILTERS.forEach(function (f) { self._selected[f.name].forEach(function (v) { params.append(f.name, v); }); });
      var perPage = parseInt(this.getAttribute("per-page") || "10", 10);
      params.set("per_page", String(Math.max(1, Math.min(perPage || 10, 100))));
      params.set("page", String(this._page));
      params.set("facets", FILTERS.map(function (f) { return f.name; }).join(","));
      return params;
    }

    search() {
      var self = this;
      var base = this.base;
      var params = this._params();
      var ticket = (this._ticket = (this._ticket || 0) + 1);
      this._status.classList.remove("error");
      this._status.textContent = "Searching…";
      this._showDidYouMean([]);
      this._clearMap();
      this.setAttribute("aria-busy", "true");
      return fetch(base + "/api/v1/search?" + params.toString(), { credentials: "omit", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (ticket !== self._ticket) return;
          self.removeAttribute("aria-busy");
          if (!res.ok) { self._fail(res.body.error, params.get("near")); return; }
          self._show(res.body, ticket);
        }).catch(function () {
          if (ticket !== self._ticket) return;
          self.removeAttribute("aria-busy");
          self._fail({}, null, "The partner search is not reachable right now.");
        });
    }

    /* An API error ({"error": {"code", "message", "field", "suggestions"?}}) in words, with no stale results. */
    _fail(err, near, text) {
      this._status.classList.add("error");
      this._list.textContent = "";
      this._pager.hidden = true;
      this._legend.hidden = true;
      this._mapBox.hidden = true;
      if (err.code === "unknown_place") {
        var suggestions = err.suggestions;  // place names
        this._status.textContent = "We could not find the place “" + (near || "") + "”. " +
          (suggestions.length ? "Did you mean:" : "Try a city, a postal code with its country, or a country.");
        this._showDidYouMean(suggestions);
        return;
      }
      this._status.textContent = text || err.message || "The search did not work.";
    }

    _showDidYouMean(places) {
      var self = this;
      this._didYouMean.textContent = "";
      places.forEach(function (place) {  // a place name, or a reading {label, near}
        var li = el("li");
        var near = place.near || place;
        var button = el("button", { type: "button", class: "secondary" }, place.label || place);
        button.addEventListener("click", function () { self._choosePlace(near); self._inputs.near.focus(); });
        li.appendChild(button);
        self._didYouMean.appendChild(li);
      });
      this._didYouMean.hidden = places.length === 0;
    }

    _clearMap() {
      if (this._map) this._map.clear();
    }

    _show(body, ticket) {
      var self = this;
      this._renderFilters(body.facets);
      var total = body.total;
      var location = body.query.location;
      var area = location && (location.kind === "country" || location.kind === "region");
      var where = location ? (area ? " in " : " near ") + location.label : "";  // as the page's heading
      this._status.textContent = total === 0
        ? "No partners found" + where + (area ? ". Try fewer filters." : ". Try a larger radius or fewer filters.")
        : total.toLocaleString("en") + (total === 1 ? " partner" : " partners") + where +
          (area ? " (an office there or serving it: the distance applies to a city or postal code, not to a whole " +
                  location.kind + ")" : "");
      var others = location ? location.alternatives : [];  // the other readings of the place: {label, near}
      if (others.length) this._status.textContent += ". Did you mean:";
      this._showDidYouMean(others);
      this._list.textContent = "";
      this._searched = { params: this._params(), country: location ? location.country : null,
                         understood: (body.query.understood || {}).service || [] };  // the contact form's prefill
      body.results.forEach(function (item, i) { self._list.appendChild(self._item(item, (self._page - 1) * body.per_page + i + 1)); });
      this._legend.hidden = body.results.length === 0;
      var pages = Math.max(1, Math.ceil(total / body.per_page));
      this._pager.hidden = pages <= 1;
      this._prev.disabled = this._page <= 1;
      this._next.disabled = this._page >= pages;
      this._pageInfo.textContent = "Page " + this._page + " of " + pages;
      this._updateMap(body.results, location, ticket);
    }

    /* What the tracks mean and how results are ordered: the server's words (CONFIG.tracks, CONFIG.orderNote). */
    _buildLegend() {
      var box = el("div", { class: "legend", role: "note", "aria-label": "How to read the results" });
      var dl = el("dl");
      (CONFIG.tracks || []).forEach(function (t) {
        var row = el("div");
        var dt = el("dt");
        dt.appendChild(el("span", { class: "badge badge-" + (t.code === "select" ? "select" : "open") }, t.label));
        row.append(dt, el("dd", {}, t.help));
        dl.appendChild(row);
      });
      box.append(dl, el("p", {}, CONFIG.orderNote || ""));
      box.hidden = true;
      return box;
    }

    /* One result: its words are the server's (item.display), set as text. */
    _item(item, position) {
      var li = el("li", { class: "result" });
      var initial = function () { return el("span", { class: "logo", "aria-hidden": "true" }, item.name.charAt(0)); };
      if (item.logo_url && /^https?:/i.test(item.logo_url)) {
        var img = el("img", { class: "logo", src: item.logo_url, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
        img.addEventListener("error", function () { img.replaceWith(initial()); });
        li.appendChild(img);
      } else {
        li.appendChild(initial());
      }
      var box = el("div", { class: "body" });
      var h = el("h3");
      h.appendChild(el("a", { href: this.base + item.url, target: "_blank", rel: "noopener", dir: "auto" }, item.name));
      h.appendChild(el("span", { class: "badge badge-" + (item.track === "select" ? "select" : "open"), title: item.display.track_help }, item.display.track));
      box.appendChild(h);
      box.appendChild(el("p", { class: "explain" }, item.display.explanation));
      var facts = item.display.facts.map(function (fact) { return fact.label + ": " + fact.value; });
      if (facts.length) box.appendChild(el("p", { class: "facts" }, facts.join(" · ")));
      if (item.display.profile) box.appendChild(el("p", { class: "profile" }, "Profile: " + item.display.profile));
      var self = this, contact = el("button", { type: "button", class: "secondary pl-contact-open", "aria-expanded": "false" }, "Contact");
      contact.appendChild(el("span", { class: "sr-only" }, " " + item.name));
      contact.addEventListener("click", function () { self._contact(item, position, box, contact); });
      box.appendChild(contact);
      li.appendChild(box);
      return li;
    }

    /* The contact form (a lead): a form token from the API (no cookies), the fields, POSTed as JSON. Its words
       are set as text; the service and country names come from the API. */
    _contact(item, position, box, opener) {
      var self = this, base = this.base, existing = box.querySelector(".pl-contact");
      if (existing) { existing.remove(); opener.setAttribute("aria-expanded", "false"); return; }
      opener.setAttribute("aria-expanded", "true");
      var form = el("form", { class: "pl-contact", "aria-label": "Contact " + item.name, novalidate: "" });
      var status = el("p", { class: "status", role: "status", "aria-live": "polite" }, "Loading the form…");
      form.appendChild(status);
      box.appendChild(form);
      var searched = this._searched || { params: new URLSearchParams(), country: null, understood: [] };
      fetch(base + "/api/v1/partners/" + encodeURIComponent(item.slug) + "/lead-form", { credentials: "omit", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (res) {
          if (!res.ok) throw new Error(res.body.error ? res.body.error.message : "");
          status.textContent = "";
          var spec = res.body, id = self._uid + "-c-" + item.slug, inputs = {};
          function add(name, text, input) {
            input.id = id + "-" + name; input.name = name; inputs[name] = input;
            var label = el("label", { for: input.id }, text);
            var row = el("div", { class: "pl-row" }); row.appendChild(label); row.appendChild(input); form.appendChild(row);
          }
          add("name", "Your name", el("input", { required: "", maxlength: "120", autocomplete: "name" }));
          add("email", "Work email", el("input", { type: "email", required: "", maxlength: "254", autocomplete: "email" }));
          add("company", "Company", el("input", { required: "", maxlength: "200", autocomplete: "organization" }));
          var country = el("select"); country.appendChild(el("option", { value: "" }, "—"));
          Object.keys(spec.countries).sort(function (a, b) { return spec.countries[a].localeCompare(spec.countries[b]); })
            .forEach(function (code) { country.appendChild(el("option", { value: code }, spec.countries[code])); });
          var wanted = searched.params.getAll("country");
          country.value = wanted.length === 1 ? wanted[0].toUpperCase() : (searched.country || "");
          add("country", "Country", country);
          var needs = el("select", { multiple: "", size: "4" }), chosen = searched.params.getAll("service").concat(searched.understood);
          Object.keys(spec.services).forEach(function (code) {
            var option = el("option", { value: code }, spec.services[code]);
            if (chosen.indexOf(code) >= 0) option.selected = true;
            needs.appendChild(option);
          });
          add("needs", "What you need (one or more)", needs);
          add("message", "Message", el("textarea", { required: "", maxlength: "3000", rows: "4" }));
          var trap = el("input", { tabindex: "-1", autocomplete: "off", name: "website" });  // people never see it
          var trapBox = el("div", { "aria-hidden": "true", style: "position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden" });
          trapBox.appendChild(trap); form.appendChild(trapBox);
          var consent = el("input", { type: "checkbox", id: id + "-consent", name: "consent", required: "" });
          var consentLabel = el("label", { for: id + "-consent", class: "pl-consent" });
          consentLabel.appendChild(consent);
          consentLabel.appendChild(document.createTextNode(" I agree that my request and contact details are shared with " + item.name + "."));
          form.appendChild(consentLabel);
          var send = el("button", { type: "submit" }, "Send request");
          form.appendChild(send);
          form.appendChild(status);
          inputs.name.focus();
          form.addEventListener("submit", function (event) {
            event.preventDefault();
            var search = {};
            searched.params.forEach(function (value, key) { (search[key] = search[key] || []).push(value); });
            var payload = { name: inputs.name.value, email: inputs.email.value, company: inputs.company.value,
              country: country.value || null, message: inputs.message.value, consent: consent.checked, website: trap.value,
              needs: Array.prototype.map.call(needs.selectedOptions, function (option) { return option.value; }),
              form_token: spec.form_token, source: "widget", search: search, position: position };
            if (!payload.country) delete payload.country;
            send.disabled = true;
            status.classList.remove("error");
            status.textContent = "Sending…";
            fetch(base + "/api/v1/partners/" + encodeURIComponent(item.slug) + "/leads", {
              method: "POST", credentials: "omit", headers: { "Content-Type": "application/json", Accept: "application/json" },
              body: JSON.stringify(payload)
            }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
              .then(function (res) {
                if (!res.ok) {
                  send.disabled = false;
                  status.classList.add("error");
                  status.textContent = res.body.error ? res.body.error.message : "The request was not sent.";
                  var bad = res.body.error && inputs[res.body.error.field];
                  if (bad) { bad.setAttribute("aria-invalid", "true"); bad.focus(); }
                  return;
                }
                Array.prototype.forEach.call(form.querySelectorAll(".pl-row, .pl-consent, button"), function (n) { n.remove(); });
                status.textContent = "Thank you: your request was sent to " + item.name + ". Your reference is " +
                  res.body.reference + "; a confirmation is on its way to you.";
                form.setAttribute("data-reference", res.body.reference);
              }).catch(function () {
                send.disabled = false;
                status.classList.add("error");
                status.textContent = "The request could not be sent right now; please try again.";
              });
          });
        }).catch(function (e) {
          status.classList.add("error");
          status.textContent = (e && e.message) || "The contact form is not available right now.";
        });
    }

    _updateMap(results, location, ticket) {
      if ((this.getAttribute("map") || "").toLowerCase() !== "true" || !CONFIG.tileUrl) { this._mapBox.hidden = true; return; }
      var self = this, base = this.base;
      this._mapBox.hidden = false;
      loadMap(base, this._root).then(function (L) {
        if (ticket !== self._ticket) return;  // a newer search owns the map
        if (!self._map) {
          // Leaflet finds its icons through CSS in the document; inside a shadow root, say where they are.
          L.Icon.Default.imagePath = base + "/static/vendor/leaflet/images/";
          self._map = window.PartnerLocatorMap.create(self._mapBox, CONFIG);
        }
        var points = results.filter(function (item) { return item.nearest_office; }).map(function (item) {
          var o = item.nearest_office;
          return { lat: o.lat, lon: o.lon, name: item.name, href: base + item.url, remote: item.serves_remotely };
        });
        self._map.show(points, location);
      }).catch(function () { self._mapBox.hidden = true; });
    }
  }

  /* Leaflet, its clustering and map.js from the locator, once per page; their CSS into each shadow root. */
  var mapPromise = null;
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.async = false;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }
  function loadMap(base, root) {
    ["leaflet/leaflet.css", "leaflet.markercluster/MarkerCluster.css", "leaflet.markercluster/MarkerCluster.Default.css"].forEach(function (file) {
      if (!root.querySelector('link[data-map="' + file + '"]')) {
        root.appendChild(el("link", { rel: "stylesheet", href: base + "/static/vendor/" + file, "data-map": file }));
      }
    });
    if (!mapPromise) {
      var vendor = base + "/static/vendor/";
      mapPromise = (window.L && window.L.map ? Promise.resolve() : loadScript(vendor + "leaflet/leaflet.js"))
        .then(function () { return window.L.markerClusterGroup ? null : loadScript(vendor + "leaflet.markercluster/leaflet.markercluster.js"); })
        .then(function () { return window.PartnerLocatorMap ? null : loadScript(base + "/static/map.js"); })
        .then(function () { return window.L; });
    }
    return mapPromise;
  }

  window.customElements.define("partner-locator", PartnerLocator);
})();
