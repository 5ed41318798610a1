// The API reference page: Swagger UI (vendored, portal/static/vendor/swagger-ui) draws the
// schema named by the page. "Try it out" calls the API on this site only.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: node.getAttribute("data-schema-url"),
    domNode: node,
    deepLinking: false,
    validatorUrl: null,
  });
})();
