import type { MeterConfig } from './config/schema';
import type { MeterPipeline } from './pipeline';

/** What applying a new list of meters did, by meter label. */
export interface MeterChanges {
  readonly added: string[];
  readonly removed: string[];
  readonly restarted: string[];
  readonly unchanged: string[];
}

interface Entry {
  readonly json: string;
  readonly config: MeterConfig;
  /** Undefined when the meter's settings could not make a decoder (logged by `create`). */
  readonly pipeline: MeterPipeline | undefined;
}

/** A meter's label: its name, else meter1, meter2, … by position. */
export function meterLabel(m: MeterConfig, i: number): string {
  return m.name ?? `meter${i + 1}`;
}

/**
 * The running meters, one pipeline each, by label. `apply` compares a new list with the running
 * one: meters whose settings are unchanged keep running untouched, changed ones are stopped and
 * started again with the new settings, removed ones are stopped, new ones started.
 */
export class MeterSet {
  private entries = new Map<string, Entry>();
  private started = false;

  constructor(
    private readonly create: (m: MeterConfig, name: string) => MeterPipeline | undefined,
    /** Called with a removed (or restarted) pipeline's meter ids after it stopped. */
    private readonly onStopped: (ids: readonly string[]) => void = () => undefined,
  ) {}

  /** Builds the pipelines of the first configuration (started by `start`). */
  load(meters: readonly MeterConfig[]): void {
    meters.forEach((m, i) => {
      const name = meterLabel(m, i);
      this.entries.set(name, { json: JSON.stringify(m), config: m, pipeline: this.create(m, name) });
    });
  }

  get pipelines(): MeterPipeline[] {
    return [...this.entries.values()].flatMap((e) => (e.pipeline ? [e.pipeline] : []));
  }

  /** The configured meters with their labels, in configuration order. */
  configured(): { name: string; config: MeterConfig }[] {
    return [...this.entries].map(([name, e]) => ({ name, config: e.config }));
  }

  pipeline(name: string): MeterPipeline | undefined {
    return this.entries.get(name)?.pipeline;
  }

  start(): void {
    this.started = true;
    for (const p of this.pipelines) p.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.pipelines.map((p) => p.stop()));
  }

  private async stopEntry(e: Entry): Promise<void> {
    if (!e.pipeline) return;
    const ids = [...e.pipeline.meterIds];
    await e.pipeline.stop();
    this.onStopped(ids);
  }

  /** Switches to a new list of meters, restarting only what changed. */
  async apply(meters: readonly MeterConfig[]): Promise<MeterChanges> {
    const changes: MeterChanges = { added: [], removed: [], restarted: [], unchanged: [] };
    const next = new Map<string, Entry>();
    const old = this.entries;
    const wanted = meters.map((m, i) => ({ m, name: meterLabel(m, i), json: JSON.stringify(m) }));
    const keep = new Set(wanted.map((w) => w.name));
    for (const [name, e] of old) {
      if (keep.has(name)) continue;
      await this.stopEntry(e);
      changes.removed.push(name);
    }
    for (const w of wanted) {
      const before = old.get(w.name);
      if (before && before.json === w.json) {
        next.set(w.name, before);
        changes.unchanged.push(w.name);
        continue;
      }
      if (before) {
        await this.stopEntry(before);
        changes.restarted.push(w.name);
      } else {
        changes.added.push(w.name);
      }
      const entry: Entry = { json: w.json, config: w.m, pipeline: this.create(w.m, w.name) };
      next.set(w.name, entry);
      if (this.started) entry.pipeline?.start();
    }
    this.entries = next;
    return changes;
  }
}
