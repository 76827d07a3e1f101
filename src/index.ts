/**
 * @module index — the Worker entry: the app, and the Durable Object classes it binds.
 */
import { createApp } from "./app";

export { JobObject } from "./jobs/job-object";
export { TenantIndex } from "./jobs/tenant-index";
export { ProviderBreaker } from "./routing/circuit-breaker";
export { ApiKeyObject } from "./tenants/api-key-object";
export { TenantAccount } from "./tenants/tenant-account";
export { TenantDirectory } from "./tenants/tenant-directory";
export { UploadObject } from "./uploads/upload-object";

const app = createApp();
export default app;
