/**
 * /docs: Swagger UI (vendored from swagger-ui-dist, see scripts/vendor-docs-ui.mjs) on
 * this gateway's own /openapi.json. "Try it out" calls this same origin; authorise with
 * your API key first. In local development the dev tenant's key is filled in for you.
 */
/* global SwaggerUIBundle */
"use strict";

const developmentKey = "wan-edge-dev-key";

const ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
  // No call to swagger.io's online validator: the reference works without internet.
  validatorUrl: null,
  onComplete: preauthorizeInDevelopment,
});

async function preauthorizeInDevelopment() {
  try {
    const health = await (await fetch("/healthz")).json();
    if (health.environment === "development") ui.preauthorizeApiKey("bearerAuth", developmentKey);
  } catch {
    // No pre-filled key; the Authorize button still works.
  }
}
