// Starts Swagger UI (from the WebJar, served at /docs/swagger-ui-bundle.js) on the hub's own OpenAPI
// document. A file rather than an inline script, so that the page's policy needs no 'unsafe-inline' for scripts.
'use strict';
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    displayOperationId: true,
    // No badge from validator.swagger.io: the page stays offline and within its policy.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
});
