/* /api/docs: start the vendored Swagger UI on the page's OpenAPI document (a file, not an inline script,
   so the site's CSP `script-src 'self'` holds). Until it has rendered, and without JavaScript, the
   server-rendered reference below it is what the reader sees. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    supportedSubmitMethods: ["get"],
    validatorUrl: null,
    onComplete: function () {
      document.documentElement.classList.add("api-viewer-ready");
    }
  });
})();
