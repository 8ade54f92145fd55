import type { ErrorKind } from '@smi/decoder';

/** Frame counters per meter and in total: what was decoded, what was rejected and why. */
export class FrameStats {
  frames = 0;
  rejected = 0;
  readings = 0;
  discardedBytes = 0;
  readonly errors: Partial<Record<ErrorKind, number>> = {};
  lastError: { kind: ErrorKind; message: string; at: string } | undefined;

  decoded(readings: number): void {
    this.frames++;
    this.readings += readings;
  }

  reject(kind: ErrorKind, message: string, at: string): void {
    this.rejected++;
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    this.lastError = { kind, message, at };
  }

  /** Adds another counter set (totals over several sources). */
  add(other: FrameStats): void {
    this.frames += other.frames;
    this.rejected += other.rejected;
    this.readings += other.readings;
    this.discardedBytes += other.discardedBytes;
    for (const [kind, n] of Object.entries(other.errors) as [ErrorKind, number][]) this.errors[kind] = (this.errors[kind] ?? 0) + n;
  }

  toJSON(): { frames: number; rejected: number; readings: number; errors: Partial<Record<ErrorKind, number>> } {
    return { frames: this.frames, rejected: this.rejected, readings: this.readings, errors: { ...this.errors } };
  }
}
