/* For pages that embed the Partner Locator as an iframe: sizes each locator iframe to its content.
 *   <iframe src="https://LOCATOR/embed?near=Berlin" title="Partner search" data-partner-locator></iframe>
 *   <script src="https://LOCATOR/embed-host.js" async></script>
 */
(function () {
  "use strict";
  if (window.__partnerLocatorEmbedHost) return;
  window.__partnerLocatorEmbedHost = true;
  var script = document.currentScript;
  var origin = script && script.src ? new URL(script.src, window.location.href).origin : null;
  window.addEventListener("message", function (event) {
    if (origin && event.origin !== origin) return;
    var data = event.data;
    if (!data || data.type !== "partner-locator:height" || typeof data.height !== "number") return;
    document.querySelectorAll("iframe").forEach(function (frame) {
      if (frame.contentWindow === event.source) {
        frame.style.height = Math.max(100, Math.min(Math.ceil(data.height), 20000)) + "px";
      }
    });
  });
})();
