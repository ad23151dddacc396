/**
 * Long writes (an insertMany of thousands of documents, an update or delete over many matches)
 * give the event loop back every few milliseconds, as MongoDB yields inside long operations:
 * one client's big batch must not hold every other client's ping or lookup for seconds. Each
 * single-document write still runs in one piece, so it stays atomic.
 */
const SLICE_MS = 8;

export class TimeSlices {
  private sliceStarted = performance.now();

  /** Whether the current slice is used up (a loop then awaits `pause()`). */
  isDue(): boolean {
    return performance.now() - this.sliceStarted >= SLICE_MS;
  }

  /** Yields when the current slice is used up; resolves true when other work may have run. */
  async pause(): Promise<boolean> {
    if (performance.now() - this.sliceStarted < SLICE_MS) return false;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStarted = performance.now();
    return true;
  }
}
