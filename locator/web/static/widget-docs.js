/* /widget: the configurator rewrites the snippets and the live example as the choices change. */
(function () {
  "use strict";
  var form = document.getElementById("configurator");
  var scriptOut = document.getElementById("script-snippet");
  var iframeOut = document.getElementById("iframe-snippet");
  var example = document.getElementById("live-example");
  if (!form || !scriptOut) return;
  var base = scriptOut.getAttribute("data-base");

  function escapeAttr(value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function choices() {
    var attrs = [];
    form.querySelectorAll("[data-attr]").forEach(function (input) {
      var name = input.getAttribute("data-attr");
      var value = input.type === "checkbox" ? (input.checked ? input.value : "") : input.value.trim();
      if (value) attrs.push([name, value]);
    });
    var locked = Array.prototype.map.call(form.querySelectorAll("[data-lock]:checked"), function (c) { return c.value; });
    if (locked.length) attrs.push(["lock", locked.join(",")]);
    return attrs;
  }

  function update() {
    var attrs = choices();
    scriptOut.textContent = '<script src="' + base + '/widget.js" async></script>\n<partner-locator' +
      attrs.map(function (a) { return " " + a[0] + '="' + escapeAttr(a[1]) + '"'; }).join("") + "></partner-locator>";
    var params = new URLSearchParams();
    attrs.forEach(function (a) {
      if (a[0] !== "lock") a[1].split(",").forEach(function (v) { params.append(a[0].replace("-", "_"), v); });
    });
    var src = base + "/embed" + (params.toString() ? "?" + params.toString() : "");
    iframeOut.textContent = '<iframe src="' + escapeAttr(src) + '" title="Partner search" data-partner-locator\n' +
      '        style="width:100%;height:640px;border:0"></iframe>\n<script src="' + base + '/embed-host.js" async></script>';
    var widget = document.createElement("partner-locator");
    attrs.forEach(function (a) { widget.setAttribute(a[0], a[1]); });
    example.textContent = "";
    example.appendChild(widget);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); history.replaceState(null, "", "?" + new URLSearchParams(new FormData(form)).toString()); });
})();
