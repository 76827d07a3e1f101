/**
 * @module sdk/client/sse — Server-Sent Events, parsed as the HTML standard says.
 *
 * Lines end in CRLF, LF or CR; `field: value` (one leading space dropped); a line starting
 * with `:` is a comment (the keep-alive); `data` lines join with LF; a blank line dispatches
 * the event; `id` sets the last event id (kept across events, sent back as `Last-Event-ID`
 * on reconnect); `retry` sets the reconnection delay. Written here rather than using
 * `EventSource`, which cannot send an Authorization header and exists in neither Node 20
 * nor Workers.
 */
export interface SseMessage {
  event: string;
  data: string;
  /** The last event id after this message (null: none seen yet). */
  lastEventId: string | null;
  /** Reconnection delay the server asked for, if this message carried one. */
  retry: number | null;
}

/**
 * Reads `body` to its end, yielding each dispatched message. Stopping early (a `break`)
 * cancels the body.
 * @example for await (const message of parseSse(response.body!)) console.log(message.event, message.data)
 */
export async function* parseSse(body: ReadableStream<Uint8Array>, lastEventId: string | null = null): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let retry: number | null = null;
  let sawCr = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      let text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A CR at the end of the previous chunk already ended its line: drop the LF of a CRLF.
      if (sawCr && text.startsWith("\n")) text = text.slice(1);
      buffer += text;
      sawCr = buffer.endsWith("\r");
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = done ? "" : (lines.pop() ?? "");
      for (const line of lines) {
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", data: data.join("\n"), lastEventId, retry };
          event = "";
          data = [];
          retry = null;
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
        else if (field === "id" && !value.includes("\0")) lastEventId = value;
        else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value);
      }
      if (done) return; // an event without its blank line is discarded, as the standard says
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
