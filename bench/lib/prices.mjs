/**
 * @module bench/lib/prices — Cloudflare's published prices (Workers Paid plan, usage beyond
 * the included monthly amounts) and what the providers charge, for the cost of a job.
 *
 * Read on 2026-11-30 from Cloudflare's documentation (the stored copies of
 * developers.cloudflare.com; cloudflare/cloudflare-docs at the commits named):
 * - Workers: https://developers.cloudflare.com/workers/platform/pricing/ — Standard: 10 M
 *   requests/month included, then $0.30 per million; 30 M CPU ms included, then $0.02 per
 *   million CPU ms; "Cloudflare does not bill for subrequests"; $5/month minimum.
 * - Durable Objects: https://developers.cloudflare.com/durable-objects/platform/pricing/
 *   (src/content/partials/durable-objects/durable-objects-pricing.mdx @ 07e200b) — requests
 *   (HTTP, each RPC method call, alarm invocations) 1 M included, then $0.15 per million;
 *   duration 400,000 GB-s included, then $12.50 per million GB-s, billed for 128 MB per
 *   object while it is active or idle but unable to hibernate; SQLite storage: rows read 25 B
 *   included, then $0.001 per million; rows written 50 M included, then $1.00 per million
 *   (each setAlarm is one row written); stored data 5 GB-month included, then $0.20/GB-month.
 * - Lifecycle (what keeps an object billed): https://developers.cloudflare.com/durable-objects/concepts/durable-object-lifecycle/
 *   (@ 0c1e1a9) — no hibernation while a setTimeout/setInterval is pending or a fetch is awaited.
 * - R2: https://developers.cloudflare.com/r2/pricing/ (src/content/docs/r2/pricing.mdx @
 *   07ec87d) — Standard storage $0.015/GB-month (10 GB-month free); Class A $4.50 per million
 *   (PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload, ListObjects, …;
 *   1 M free); Class B $0.36 per million (GetObject, HeadObject; 10 M free); DeleteObject and
 *   AbortMultipartUpload free; egress free.
 * - Images: https://developers.cloudflare.com/images/pricing/ (src/content/docs/images/pricing.mdx
 *   @ 026f1f1) — Images Transformed: 5,000 unique transformations included, then $0.50 per 1,000.
 * - Cache API: no charge of its own (a cached read is a Worker request, no R2 operation).
 *
 * What the providers charge comes from the gateway's own price book (src/billing), read from
 * `GET /v1/models` during the run (bench/phases/cost.mjs), never written down twice.
 */
export const pricesReadOn = "2026-11-30";

export const cloudflare = {
  worker_request: 0.3 / 1e6,
  worker_cpu_ms: 0.02 / 1e6,
  do_request: 0.15 / 1e6,
  do_gb_second: 12.5 / 1e6,
  do_row_read: 0.001 / 1e6,
  do_row_written: 1.0 / 1e6,
  do_stored_gb_month: 0.2,
  r2_class_a: 4.5 / 1e6,
  r2_class_b: 0.36 / 1e6,
  r2_stored_gb_month: 0.015,
  images_transformation: 0.5 / 1000,
  /** GB billed per second of an active object (Cloudflare's examples: 128 MB / 1 GB). */
  do_gb_per_object: 0.128,
};

/** R2 operations by the Workers binding's method names. */
export const r2Classes = {
  a: ["put", "createMultipartUpload", "multipart.uploadPart", "multipart.complete", "list"],
  b: ["get", "head"],
  free: ["delete", "multipart.abort", "resumeMultipartUpload"],
};

/**
 * The output a typical job stores (an assumption: no provider documents its file sizes). A
 * 5 s 720p H.264 clip at ~6 Mbit/s is ~4 MB; the benchmark's emulator files are a few KB,
 * so storage is priced on this size, not on the measured one.
 */
export const typicalOutput = { seconds: 5, resolution: "720p", bytes: 4 * 1000 * 1000 };
