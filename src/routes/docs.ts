/**
 * @module routes/docs — `GET /openapi.json`, and the static pages: `/` (playground),
 * `/docs` (Swagger UI) and their files under `/static/`, from Workers Static Assets
 * (`public/`).
 *
 * The assets run behind the Worker (`run_worker_first`), so they get an `X-Request-Id`
 * like every other response and a Content-Security-Policy that allows only our own
 * scripts — the playground holds an API key. They do not count against the script size.
 */
import type { Context, Next } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { loadConfig } from "../env";
import { openApiDocument } from "../openapi/openapi-document";

export const docsRoutes = new Hono<AppEnv>();

docsRoutes.get("/openapi.json", (c) => {
  // The origin the client reached first, so "try it out" stays same-origin; then the
  // configured public origin when it differs.
  const origin = new URL(c.req.url).origin;
  const { publicBaseUrl } = loadConfig(c.env);
  const servers = publicBaseUrl && publicBaseUrl !== origin ? [origin, publicBaseUrl] : [origin];
  c.header("access-control-allow-origin", "*"); // a public document: other tools may load it
  c.header("cache-control", "public, max-age=300");
  return c.json(openApiDocument(servers));
});

const contentSecurityPolicy = "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves a static file; one the assets do not have falls through to the 404 problem. Only
 * these paths look into the assets, so API routes never pay for a lookup.
 */
const serveAsset = async (c: Context<AppEnv>, next: Next) => {
  const assets = c.env.ASSETS as Fetcher | undefined;
  if (!assets) return next();
  const found = await assets.fetch(c.req.raw);
  if (found.status === 404) return next();
  const response = new Response(found.body, found); // mutable headers (X-Request-Id: app.ts)
  response.headers.set("x-content-type-options", "nosniff");
  if (response.headers.get("content-type")?.startsWith("text/html")) response.headers.set("content-security-policy", contentSecurityPolicy);
  return response;
};

docsRoutes.get("/", serveAsset); // public/index.html
docsRoutes.get("/docs", serveAsset); // public/docs.html
docsRoutes.get("/static/*", serveAsset);
