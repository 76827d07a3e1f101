/**
 * @module jobs/job-media — what a job leaves in R2 when it ends without its outputs, or when
 * the instance that was copying them died: nothing the job does not reference.
 *
 * Every object a job writes lives under `outputs/{job id}/`, so one listing of that prefix
 * finds whatever a crash or a cut copy left behind (a listing is a Class A operation: this
 * runs only on a cancel, a failure or a restart mid-copy, never on the common path).
 */
import type { JobRecord } from "./job-types";

/**
 * Aborts the multipart upload a copy had in flight (recorded before its parts were sent) and
 * deletes every object under the job's prefix that its record does not reference.
 */
export async function cleanUpMedia(bucket: R2Bucket, job: JobRecord): Promise<number> {
  const upload = job.copy?.upload;
  if (upload) await bucket.resumeMultipartUpload(upload.key, upload.upload_id).abort().catch(() => {});
  const keep = new Set([...job.outputs, ...(job.copy?.done ?? [])].map((output) => output.key));
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: `outputs/${job.id}/`, cursor });
    const stale = page.objects.map((object) => object.key).filter((key) => !keep.has(key));
    if (stale.length > 0) await bucket.delete(stale);
    deleted += stale.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}
