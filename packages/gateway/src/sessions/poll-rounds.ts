/** Whether the round that was handed this is still the current one (false once `stop` ran). */
export type Live = () => boolean;

/**
 * The rounds of a polling master (M-Bus, Modbus): each round reads every item in turn, the next
 * round starts `intervalMs` after the start of the last one (at once when reading took longer).
 * `stop` cancels the next round and ends the running one at its next step: every read gets a
 * `live` check to ask before each request. A read that throws is reported and the round goes on.
 */
export class PollRounds<T> {
  private timer: NodeJS.Timeout | undefined;
  /** Bumped by start/stop: a round from an older generation ends at its next step. */
  private generation = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly read: (item: T, live: Live) => Promise<unknown>,
    private readonly failed: (item: T, e: unknown) => void,
  ) {}

  /** Stops what runs and starts the first round of `items` now. */
  start(items: readonly T[]): void {
    this.stop();
    const generation = this.generation;
    this.schedule(items, () => generation === this.generation, 0);
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(items: readonly T[], live: Live, ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.round(items, live);
    }, ms);
  }

  private async round(items: readonly T[], live: Live): Promise<void> {
    const started = Date.now();
    for (const item of items) {
      if (!live()) return;
      try {
        await this.read(item, live);
      } catch (e) {
        this.failed(item, e);
      }
    }
    if (live()) this.schedule(items, live, Math.max(0, started + this.intervalMs - Date.now()));
  }
}
