// Starts Swagger UI (from the WebJar, served at /docs/swagger-ui-bundle.js) on the hub's own OpenAPI
// document. A file rather than an inline script, so that the page's policy needs no 'unsafe-inline' for scripts.
'use strict';
window.addEventListener('load', () => {
  const root = document.getElementById('swagger-ui');
  fetch('/openapi.json', { headers: { Accept: 'application/json' } })
    .then(answer => {
      if (!answer.ok) {
        throw new Error('GET /openapi.json answered ' + answer.status);
      }
      return answer.json();
    })
    .then(spec => {
      // The document names a default server (127.0.0.1:8080); "Try it out" must call the hub that served
      // this page, which is also the only origin the page's policy lets it connect to.
      spec.servers = [{ url: window.location.origin, description: 'This hub (the one serving this page)' }];
      window.ui = SwaggerUIBundle({
        url: '/openapi.json',
        spec: spec,
        dom_id: '#swagger-ui',
        deepLinking: true,
        displayOperationId: true,
        // No badge from validator.swagger.io: the page stays offline and within its policy.
        validatorUrl: null,
        presets: [SwaggerUIBundle.presets.apis],
        layout: 'BaseLayout'
      });
    })
    .catch(error => {
      root.textContent = 'Could not load the hub\'s OpenAPI document: ' + error.message;
    });
});
