/**
 * @module transport/cancellation
 * A call's cancellation, with its AbortSignal made only when someone asks for it. A provider process serves
 * hundreds of calls per command and most never look at their signal; an AbortController per call (two, the
 * transport's and the provider's), and the listeners between them, showed in its CPU profile (bench/README.md).
 */
export class Cancellation {
  private controller?: AbortController;
  private cause?: { reason: unknown };
  private listeners?: ((reason: unknown) => void)[];

  /** Aborted once `cancel` is called, before or after it was first asked for. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.cause) this.controller.abort(this.cause.reason);
    }
    return this.controller.signal;
  }

  get cancelled(): boolean {
    return this.cause !== undefined;
  }

  /** Cancels once: later calls keep the first reason. */
  cancel(reason: unknown): void {
    if (this.cause) return;
    this.cause = { reason };
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener(reason);
  }

  /** Runs `listener` on cancellation (at once when already cancelled). */
  onCancel(listener: (reason: unknown) => void): void {
    if (this.cause) {
      listener(this.cause.reason);
      return;
    }
    this.listeners ??= [];
    this.listeners.push(listener);
  }
}
