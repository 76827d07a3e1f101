/**
 * @module sdk/ai/errors — the client's errors in the AI SDK's terms.
 *
 * A refused request becomes the SDK's `APICallError`, retryable on 429 and 5xx like the
 * SDK's own providers (the gateway refuses a 4xx before creating anything, so a retry
 * cannot double a job). A job that ran and failed is not retried by the SDK: the gateway
 * already failed over between providers, and another job would start from zero.
 */
import { APICallError } from "@ai-sdk/provider";
import { WanEdgeError, type Job } from "../client/index";

export class WanEdgeJobError extends Error {
  override name = "WanEdgeJobError";
  constructor(readonly job: Job) {
    super(`wan-edge job ${job.id} ${job.status}${job.error ? `: ${job.error.code}: ${job.error.message}` : ""}`);
  }
}

/** Runs `call`, turning a `WanEdgeError` into an `APICallError`. */
export async function asSdkErrors<T>(url: string, requestBody: unknown, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof WanEdgeError)) throw error;
    throw new APICallError({
      message: error.message,
      url,
      requestBodyValues: requestBody,
      statusCode: error.status,
      responseBody: error.problem ? JSON.stringify(error.problem) : undefined,
      isRetryable: error.status === 429 || error.status >= 500,
      data: error.problem,
      cause: error,
    });
  }
}
