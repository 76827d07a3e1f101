/**
 * @module sdk/ai/output-bytes — reads a job's output from its permanent link.
 *
 * The models hand the AI SDK bytes rather than URLs: the SDK refuses to download from
 * loopback and private addresses (rightly, for URLs a provider made up), and the local
 * stack is exactly that. The link is the gateway's own `/media/…`, so reading it here
 * costs nothing the SDK would not have spent; it stays in `providerMetadata`.
 */
export async function outputBytes(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`reading ${url} failed: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
