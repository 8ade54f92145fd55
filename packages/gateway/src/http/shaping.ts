import type { MeterSnapshot, Reading, ReadingValue } from '@smi/model';

/**
 * When a push target sends a meter's snapshot. Pure: the caller passes the time in ms and arranges
 * a wake-up at `nextDue()` for snapshots held back.
 *
 * - `change`: a snapshot is sent at once when any value differs from the last one sent — a
 *   numeric value only when it moved by more than its deadband (absolute, per key, `*` for every
 *   key without its own). Readings of quantity `timestamp` (they change with every frame) are
 *   not compared. The first snapshot of a meter is always sent.
 * - `interval`: at most one snapshot per meter every `intervalMs`, the latest one received;
 *   one that arrives within the interval is held and due when the interval is over.
 */
export interface ShapingOptions {
  readonly mode: 'change' | 'interval';
  readonly intervalMs: number;
  readonly deadband: Readonly<Record<string, number>>;
}

interface MeterState {
  sent: Map<string, ReadingValue> | undefined;
  sentAt: number | undefined;
  held: MeterSnapshot | undefined;
}

function comparable(r: Reading): boolean {
  return r.quantity !== 'timestamp';
}

export class Shaper {
  private readonly meters = new Map<string, MeterState>();

  constructor(private readonly o: ShapingOptions) {}

  private deadbandOf(key: string): number {
    return this.o.deadband[key] ?? this.o.deadband['*'] ?? 0;
  }

  /** Whether a snapshot differs (beyond the deadbands) from the values last sent. */
  changed(snapshot: MeterSnapshot, sent: ReadonlyMap<string, ReadingValue> | undefined): boolean {
    if (sent === undefined) return true;
    let compared = 0;
    for (const r of snapshot.readings) {
      if (!comparable(r)) continue;
      compared++;
      if (!sent.has(r.key)) return true;
      const before = sent.get(r.key) ?? null;
      if (typeof r.value === 'number' && typeof before === 'number') {
        const band = this.deadbandOf(r.key);
        if (band === 0 ? r.value !== before : Math.abs(r.value - before) > band) return true;
      } else if (r.value !== before) {
        return true;
      }
    }
    // a reading that vanished is a change too
    return compared !== sent.size;
  }

  /** A snapshot arrived at `now`: returns it when it is to be sent now. */
  offer(snapshot: MeterSnapshot, now: number): MeterSnapshot | undefined {
    const id = snapshot.meter.id;
    let st = this.meters.get(id);
    if (!st) {
      st = { sent: undefined, sentAt: undefined, held: undefined };
      this.meters.set(id, st);
    }
    if (this.o.mode === 'change') {
      if (!this.changed(snapshot, st.sent)) return undefined;
      this.markSent(st, snapshot, now);
      return snapshot;
    }
    if (st.sentAt === undefined || now >= st.sentAt + this.o.intervalMs) {
      this.markSent(st, snapshot, now);
      return snapshot;
    }
    st.held = snapshot;
    return undefined;
  }

  /** Held snapshots whose interval is over at `now` (interval mode), marked sent. */
  due(now: number): MeterSnapshot[] {
    const out: MeterSnapshot[] = [];
    for (const st of this.meters.values()) {
      if (st.held && st.sentAt !== undefined && now >= st.sentAt + this.o.intervalMs) {
        const s = st.held;
        this.markSent(st, s, now);
        out.push(s);
      }
    }
    return out;
  }

  /** When the next held snapshot is due; undefined when none is held. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const st of this.meters.values()) {
      if (st.held && st.sentAt !== undefined) next = Math.min(next ?? Infinity, st.sentAt + this.o.intervalMs);
    }
    return next;
  }

  private markSent(st: MeterState, snapshot: MeterSnapshot, now: number): void {
    const sent = new Map<string, ReadingValue>();
    for (const r of snapshot.readings) if (comparable(r)) sent.set(r.key, r.value);
    st.sent = sent;
    st.sentAt = now;
    st.held = undefined;
  }
}
