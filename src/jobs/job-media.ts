/**
 * @module jobs/job-media — what a job leaves in R2: nothing it does not reference when it
 * ends without its outputs or the instance copying them died (`cleanUpMedia`), and nothing
 * at all once its media are deleted or expire (`purgeJobMedia`).
 *
 * Every object a job writes lives under `outputs/{job id}/`, so one listing of that prefix
 * finds whatever a crash or a cut copy left behind (a listing is a Class A operation: this
 * runs only on a cancel, a failure, a restart mid-copy or a removal, never on the common path).
 */
import type { Env } from "../env";
import { purgeMediaCache } from "../media/media-cache";
import type { JobRecord } from "./job-types";

/** Deletes every object under the job's prefix except `keep`; returns the keys deleted. */
async function deleteUnder(bucket: R2Bucket, job: Pick<JobRecord, "id">, keep: ReadonlySet<string>): Promise<string[]> {
  const deleted: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: `outputs/${job.id}/`, cursor });
    const stale = page.objects.map((object) => object.key).filter((key) => !keep.has(key));
    if (stale.length > 0) await bucket.delete(stale);
    deleted.push(...stale);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}

/** Every key the record references: outputs, thumbnails, posters. */
export function mediaKeysOf(job: Pick<JobRecord, "outputs" | "copy">): string[] {
  return [...job.outputs, ...(job.copy?.done ?? [])].flatMap((output) => [output.key, output.thumbnail_key, output.poster_key].filter((key): key is string => Boolean(key)));
}

/**
 * Aborts the multipart upload a copy had in flight (recorded before its parts were sent) and
 * deletes every object under the job's prefix that its record does not reference.
 */
export async function cleanUpMedia(bucket: R2Bucket, job: JobRecord): Promise<number> {
  const upload = job.copy?.upload;
  if (upload) await bucket.resumeMultipartUpload(upload.key, upload.upload_id).abort().catch(() => {});
  return (await deleteUnder(bucket, job, new Set(mediaKeysOf(job)))).length;
}

/**
 * Removes a deleted or expired job's media: every object under its prefix, and lets go of
 * the uploads it kept (a deleted job takes with it the uploads only it kept; an expired one
 * leaves them to their own expiry). Returns every key removed. Throws when R2 or an upload's
 * object fails: the removal is then retried whole (each step is idempotent).
 */
export async function purgeJobMedia(env: Env, job: JobRecord, publicBaseUrl: string): Promise<string[]> {
  const keys = await deleteUnder(env.MEDIA, job, new Set());
  const deleted = Boolean(job.deleted_at);
  for (const id of job.uploads ?? []) keys.push(...(await env.UPLOADS.get(env.UPLOADS.idFromName(id)).release(job.id, deleted)));
  // This location's cache (the route that took a DELETE purges its own location too).
  await purgeMediaCache(publicBaseUrl, keys);
  // No longer held by the tenant (its usage): a failed note overcounts, never keeps an object.
  await env.ACCOUNTS.get(env.ACCOUNTS.idFromName(job.tenant))
    .forgetStorage(keys)
    .catch(() => console.error("storage forget failed"));
  return keys;
}

/** Lets the uploads the job names know it keeps them (best effort: at worst one expires early). */
export async function retainUploads(env: Env, job: JobRecord): Promise<void> {
  await Promise.all(
    (job.uploads ?? []).map((id) =>
      env.UPLOADS.get(env.UPLOADS.idFromName(id))
        .retain(job.id, job.tenant)
        .catch(() => console.error("upload retain failed")),
    ),
  );
}
