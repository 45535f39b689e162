/**
 * Bytes of request bodies held at once, shared by every receiver (OTLP/HTTP and gRPC): the
 * heap a burst of large exports can take is bounded whichever protocol they come by.
 */
export class InflightBudget {
  private held = 0;

  constructor(readonly maxBytes: number) {}

  get heldBytes(): number {
    return this.held;
  }

  /** Takes `n` bytes when they fit; false (nothing taken) when they do not. */
  tryTake(n: number): boolean {
    if (this.held + n > this.maxBytes) return false;
    this.held += n;
    return true;
  }

  /** Takes `n` bytes even past the budget (a body already read) and says whether it still fits. */
  take(n: number): boolean {
    this.held += n;
    return this.held <= this.maxBytes;
  }

  release(n: number): void {
    this.held -= n;
  }
}

export const BUSY_MESSAGE = 'too many request bytes in flight (ingest.maxInflightBytes); retry later';
