/**
 * @module openapi/api-sections — the one list of what the OpenAPI document covers.
 *
 * To document new routes, write a section (a tag, its paths, the zod schemas it names —
 * see sections/*) and add it here. A test compares this document with the routes the app
 * registers, so a route without a section fails `npm test`.
 */
import type { ApiSection } from "./openapi-builders";
import { adminSection } from "./sections/admin-section";
import { callbacksSection } from "./sections/callbacks-section";
import { jobsSection } from "./sections/jobs-section";
import { mediaSection } from "./sections/media-section";
import { modelsSection } from "./sections/models-section";
import { openAiSection } from "./sections/openai-section";
import { serviceSection } from "./sections/service-section";
import { uploadsSection } from "./sections/uploads-section";
import { usageSection } from "./sections/usage-section";
import { webhooksSection } from "./sections/webhooks-section";

export const apiSections: ApiSection[] = [jobsSection, uploadsSection, webhooksSection, modelsSection, mediaSection, callbacksSection, openAiSection, usageSection, adminSection, serviceSection];
