// Starts Swagger UI on the API reference page (a file of its own: CSP allows no inline script).
const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: root.dataset.schemaUrl,
  domNode: root,
  deepLinking: true,
  // "Try it out" calls use the browser session of a logged-in user, so they carry the CSRF
  // token, which the page holds (the cookie is HttpOnly: scripts cannot read it).
  requestInterceptor: (request) => {
    if (root.dataset.csrfToken) request.headers["X-CSRFToken"] = root.dataset.csrfToken;
    return request;
  },
});
