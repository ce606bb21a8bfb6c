/* /widget: the configurator rewrites the snippets and the live example as the choices change (the same text
 * the server writes when the form is submitted without JavaScript); each snippet gets a Copy button. */
(function () {
  "use strict";
  var form = document.getElementById("configurator");
  var scriptOut = document.getElementById("script-snippet");
  var iframeOut = document.getElementById("iframe-snippet");
  var example = document.getElementById("live-example");
  if (!form || !scriptOut) return;
  var base = scriptOut.getAttribute("data-base");
  var order = (form.getAttribute("data-order") || "").split(" ");
  var lastAttrs = null;

  function escapeAttr(value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  /* The element's attributes, in the order the server writes them. */
  function choices() {
    var found = {};
    form.querySelectorAll("[data-attr]").forEach(function (input) {
      var value = input.type === "checkbox" ? (input.checked ? input.value : "") : input.value.trim();
      if (value) found[input.getAttribute("data-attr")] = value;
    });
    var locked = Array.prototype.map.call(form.querySelectorAll("[data-lock]:checked"), function (c) { return c.value; });
    if (locked.length) found.lock = locked.join(",");
    return order.filter(function (name) { return found[name]; }).map(function (name) { return [name, found[name]]; });
  }

  /* The theme as [custom property, value] pairs; values left at the widget's defaults are left out. */
  function theme() {
    var pairs = [];
    form.querySelectorAll("[data-theme]").forEach(function (input) {
      var value = input.value.trim(), unit = input.getAttribute("data-unit");
      if (!value || value === input.getAttribute("data-default")) return;
      if (unit) {
        if (!/^\d+$/.test(value) || +value > +input.max) return;
        value = String(+value) + unit;
      }
      pairs.push([input.getAttribute("data-theme"), value]);
    });
    return pairs;
  }

  function applyTheme(widget, pairs) {
    form.querySelectorAll("[data-theme]").forEach(function (input) { widget.style.removeProperty(input.getAttribute("data-theme")); });
    pairs.forEach(function (p) { widget.style.setProperty(p[0], p[1]); });  // CSSOM: allowed under the CSP
  }

  function update() {
    var attrs = choices(), styles = theme();
    var written = attrs.slice();
    if (styles.length) written.push(["style", styles.map(function (p) { return p[0] + ": " + p[1]; }).join("; ")]);
    scriptOut.textContent = '<script src="' + base + '/widget.js" async></script>\n<partner-locator' +
      written.map(function (a) { return " " + a[0] + '="' + escapeAttr(a[1]) + '"'; }).join("") + "></partner-locator>";
    var params = new URLSearchParams();
    attrs.forEach(function (a) {
      a[1].split(",").forEach(function (v) { params.append(a[0].replace("-", "_"), v); });
    });
    var src = base + "/embed" + (params.toString() ? "?" + params.toString() : "");
    iframeOut.textContent = '<iframe src="' + escapeAttr(src) + '" title="Partner search" allow="geolocation" data-partner-locator\n' +
      '        style="width:100%;height:640px;border:0"></iframe>\n<script src="' + base + '/embed-host.js" async></script>';
    var key = JSON.stringify(attrs);
    var widget = example.querySelector("partner-locator");
    if (key !== lastAttrs || !widget) {  // a theme change restyles the example; other changes search again
      lastAttrs = key;
      widget = document.createElement("partner-locator");
      attrs.forEach(function (a) { widget.setAttribute(a[0], a[1]); });
      example.textContent = "";
      example.appendChild(widget);
    }
    applyTheme(widget, styles);
  }

  /* Copy buttons: the clipboard API, a visible "Copied" (or how to copy by hand when the browser refuses). */
  function addCopyButton(pre) {
    var code = pre.querySelector("code");
    var row = document.createElement("div");
    row.className = "snippet-actions";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary";
    button.textContent = "Copy";
    button.setAttribute("data-copy", code.id);
    button.setAttribute("aria-label", "Copy the " + (code.id === "iframe-snippet" ? "iframe" : "script") + " snippet");
    var note = document.createElement("span");
    note.className = "copied";
    note.setAttribute("role", "status");
    note.setAttribute("data-copied-for", code.id);
    var timer = null;
    function say(text) {
      note.textContent = text;
      clearTimeout(timer);
      timer = setTimeout(function () { note.textContent = ""; }, 4000);
    }
    function selectByHand() {
      var range = document.createRange();
      range.selectNodeContents(code);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      say("Selected: press Ctrl+C (⌘C on a Mac) to copy");
    }
    button.addEventListener("click", function () {
      if (!navigator.clipboard || !navigator.clipboard.writeText) { selectByHand(); return; }
      navigator.clipboard.writeText(code.textContent).then(function () { say("Copied"); }, selectByHand);
    });
    row.append(button, note);
    pre.after(row);
  }

  document.querySelectorAll("pre[data-snippet]").forEach(addCopyButton);
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
    history.replaceState(null, "", "?" + new URLSearchParams(new FormData(form)).toString());
  });
  lastAttrs = JSON.stringify(choices());  // the server rendered this example; only its theme is set here
  applyTheme(example.querySelector("partner-locator") || document.createElement("i"), theme());
})();
