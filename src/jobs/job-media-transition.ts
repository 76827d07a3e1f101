/**
 * @module jobs/job-media-transition — the pure transitions of a job's stored media after it
 * ended: thumbnails and posters made, deletion on request, expiry by retention, and the
 * removal of the objects (retried until R2 confirms it).
 *
 *   completed ──(variants due)──▶ variants_made ──▶ outputs carry thumbnail/poster keys
 *   terminal ──delete──▶ deleted_at ─┐
 *   terminal ──expire (retention)──▶ expired_at ─┴─▶ purge due ──media_purged──▶ nothing stored
 *                                                       └─purge_failed──▶ purge again (backoff)
 *
 * Part of `transition` (job-machine.ts); no I/O.
 */
import { backoffDelay } from "../lib/backoff";
import type { JobError, JobRecord, OutputVariants } from "./job-types";
import { mediaExpiresAt, mediaRemoved, terminalStatuses, videoInput } from "./job-types";

export type MediaEvent =
  /** `DELETE /v1/jobs/{id}`: a terminal job's media are to be removed (the record stays). */
  | { type: "delete" }
  /** The job's retention ran out. */
  | { type: "expire" }
  /** Every stored object of the job (and the uploads it alone kept) is gone. */
  | { type: "media_purged" }
  | { type: "purge_failed"; error: JobError }
  /** Thumbnails and posters made; an output missing from the list, or a key missing, has none. */
  | { type: "variants_made"; variants: OutputVariants[] };

const mediaEventTypes: ReadonlySet<string> = new Set(["delete", "expire", "media_purged", "purge_failed", "variants_made"]);

export function isMediaEvent(event: { type: string }): event is MediaEvent {
  return mediaEventTypes.has(event.type);
}

/** Removal is retried without end (objects must not outlive a deletion), at most hourly. */
const purgeRetry = { baseMs: 5_000, maxMs: 3_600_000 };

/**
 * Whether a just-completed job has variants to make: a thumbnail of every image, and for a
 * video made from a first frame a poster (that frame, by the model's definition the video's
 * first frame) and its thumbnail.
 */
export function wantsVariants(job: Pick<JobRecord, "model" | "input">, outputs: JobRecord["outputs"]): boolean {
  if (outputs.some((output) => output.content_type.startsWith("image/"))) return true;
  const video = videoInput(job);
  return video !== null && typeof video.first_frame === "string" && (video.mode === "first_frame" || video.mode === "first_last_frame");
}

/**
 * The next record after a media event. Events that no longer apply (a second delete, an
 * expiry before its time, variants for media already removed) return the same object.
 * @example mediaTransition(completedJob, { type: "delete" }, Date.now()).deleted_at // now
 */
export function mediaTransition(job: JobRecord, event: MediaEvent, now: number, random: () => number = Math.random): JobRecord {
  const stamp = new Date(now).toISOString();
  const terminal = terminalStatuses.has(job.status);
  switch (event.type) {
    case "delete":
      // Only a finished job: one still running could yet write outputs (cancel it first).
      if (!terminal || job.deleted_at) return job;
      // Deleting an expired job changes nothing stored, but records the request.
      return { ...job, deleted_at: stamp, variants: null, purge: job.expired_at && !job.purge ? null : { tries: 0, due_at: now }, updated_at: stamp };
    case "expire": {
      const expiresAt = mediaExpiresAt(job);
      if (!terminal || mediaRemoved(job) || expiresAt === null || now < expiresAt) return job;
      return { ...job, expired_at: stamp, variants: null, purge: { tries: 0, due_at: now }, updated_at: stamp };
    }
    case "media_purged":
      if (!job.purge) return job;
      // The uploads it kept were released with the objects.
      return { ...job, purge: null, uploads: [], updated_at: stamp };
    case "purge_failed": {
      if (!job.purge) return job;
      const tries = job.purge.tries + 1;
      return { ...job, purge: { tries, due_at: now + backoffDelay(tries, { ...purgeRetry, random }) } };
    }
    case "variants_made": {
      if (!job.variants || mediaRemoved(job)) return job;
      const outputs = job.outputs.map((output) => {
        const made = event.variants.find((variant) => variant.index === output.index);
        if (!made) return output;
        return { ...output, ...(made.thumbnail_key ? { thumbnail_key: made.thumbnail_key } : {}), ...(made.poster_key ? { poster_key: made.poster_key } : {}) };
      });
      return { ...job, outputs, variants: null, updated_at: stamp };
    }
  }
}
