/**
 * @module media/step-walker — walks a file's structure while its bytes stream past, without
 * ever holding the file: the base of the whole-file checks (container-check).
 *
 * A format is written as a chain of steps: read a few header bytes (`read`, copied into a
 * small buffer and handed to `then`), skip a payload (`skip`: pure arithmetic, however many
 * gigabytes), stop walking (`rest`: the remaining bytes are only counted, e.g. a JPEG's
 * entropy-coded data), expect the end of the file (`end`), or `fail`. Only headers are ever
 * touched byte by byte; a chunk is crossed in as many operations as it holds headers, so a
 * copy's cost does not grow with its size beyond the counting.
 */

/** One step of a format's walk. `what` names the part being read, for error messages. */
export type Step =
  /** Collect `read` bytes (a header: small), then continue with them. `boundary`: the file may end before it. */
  | { read: number; what: string; then: (bytes: Uint8Array) => Step; boundary?: boolean }
  /** Pass over `skip` bytes, then continue. */
  | { skip: number; what: string; then: () => Step }
  /** The rest of the file is not walked (the format judges it from its last bytes). */
  | { rest: true }
  /** The file must end here. */
  | { end: true }
  | { fail: string };

/** The step after the last byte of a file's structure. */
export const endOfFile: Step = { end: true };

/** A header read never needs more than this (formats read at most this many bytes of a header box). */
export const maxReadBytes = 256;

/**
 * Feeds chunks through a format's steps. Subclasses start the walk with `begin(step)` and
 * judge the end in `complete` (the file ended where it may) and `completeRest` (it ended
 * after a `rest` step; `tail` holds its last two bytes).
 */
export abstract class StepWalker {
  /** Bytes walked so far: when a step's `then` runs, the offset of the byte after it. */
  protected offset = 0;
  private step: Step = { end: true };
  /** Bytes of the current `read` or `skip` already consumed. */
  private progress = 0;
  private readonly buffer = new Uint8Array(maxReadBytes);
  /** The last two bytes seen (JPEG ends with its EOI marker). */
  protected readonly tail = new Uint8Array(2);
  private seen = 0;
  private problem: string | null = null;

  protected begin(step: Step): void {
    this.next(step);
  }

  /** Walks `chunk`; returns the reason the file is not whole as soon as it is known, or null. */
  push(chunk: Uint8Array): string | null {
    this.remember(chunk);
    let at = 0;
    while (at < chunk.length && this.problem === null) {
      const step = this.step;
      if ("rest" in step) break;
      if ("fail" in step) this.problem = step.fail;
      else if ("end" in step) this.problem = `${chunk.length - at}+ bytes follow the end of the file's structure`;
      else if ("skip" in step) {
        const count = Math.min(step.skip - this.progress, chunk.length - at);
        at += count;
        this.progress += count;
        this.offset += count;
        if (this.progress === step.skip) this.next(step.then());
      } else {
        const count = Math.min(step.read - this.progress, chunk.length - at);
        this.buffer.set(chunk.subarray(at, at + count), this.progress);
        at += count;
        this.progress += count;
        this.offset += count;
        if (this.progress === step.read) this.next(step.then(this.buffer.subarray(0, step.read)));
      }
    }
    return this.problem;
  }

  /** Why the file, now ended after `push`ed bytes, is not whole; null when it is. */
  finish(): string | null {
    if (this.problem !== null) return this.problem;
    const step = this.step;
    if ("fail" in step) return step.fail;
    if ("rest" in step) return this.completeRest(this.seen >= 2 ? this.tail : this.tail.subarray(2 - this.seen));
    if ("end" in step || ("read" in step && step.boundary && this.progress === 0)) return this.complete();
    if ("skip" in step) return `the file ends inside ${step.what}, ${step.skip - this.progress} bytes short`;
    return `the file ends inside ${step.what}`;
  }

  /** The file ended where its structure allows: any last checks (required parts present). */
  protected abstract complete(): string | null;

  /** The file ended after a `rest` step. Formats that use `rest` override this. */
  protected completeRest(_tail: Uint8Array): string | null {
    return null;
  }

  private next(step: Step): void {
    this.step = step;
    this.progress = 0;
    this.settle();
    // Known at once, so the copy stops here rather than downloading the rest.
    if ("fail" in this.step) this.problem ??= this.step.fail;
  }

  /** Runs steps that need no bytes (an empty payload), so `finish` sees what is really due. */
  private settle(): void {
    for (;;) {
      const step = this.step;
      if ("skip" in step && step.skip === 0) this.step = step.then();
      else if ("read" in step && step.read === 0) this.step = step.then(this.buffer.subarray(0, 0));
      else if ("read" in step && step.read > maxReadBytes) this.step = { fail: `internal: a ${step.read}-byte header read` };
      else return;
    }
  }

  private remember(chunk: Uint8Array): void {
    if (chunk.length >= 2) this.tail.set(chunk.subarray(chunk.length - 2));
    else if (chunk.length === 1) this.tail.set([this.tail[1]!, chunk[0]!]);
    this.seen += chunk.length;
  }
}

/** Four bytes at `offset` as ASCII (a box type or chunk name). */
export function fourCc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset] ?? 0, bytes[offset + 1] ?? 0, bytes[offset + 2] ?? 0, bytes[offset + 3] ?? 0);
}

/** A DataView over exactly `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
