// Starts Swagger UI on the API reference page (a file of its own: CSP allows no inline script).
const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: root.dataset.schemaUrl,
  domNode: root,
  deepLinking: true,
  // Calls from the page use the browser session; the CSRF token comes from the cookie.
  requestInterceptor: (request) => {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) request.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
    return request;
  },
});
