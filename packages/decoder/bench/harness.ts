/**
 * Minimal throughput harness on the one core this process has: ours and the peer are timed in
 * alternating runs (ours, peer, ours, peer…) so that load from other processes hits both alike,
 * in CPU time of this process (so time other jobs take from it does not count); medians, spread
 * (min–max) and the ratio of the medians are printed and collected.
 */
export interface Case {
  readonly name: string;
  /** Processes one unit (telegram/frame) per call, cycling through the inputs. */
  readonly run: (i: number) => void;
  readonly unit: string;
  /** A machine reference in place of a peer (bench/reference.ts): its ratio is no comparison. */
  readonly reference?: true;
}

export interface Comparison {
  readonly title: string;
  readonly ours: number;
  readonly oursSpread: readonly [number, number];
  readonly peer?: number;
  readonly peerSpread?: readonly [number, number];
  /** ours / peer, medians. */
  readonly ratio?: number;
}

/** Every comparison printed so far (for `--json` and the regression check). */
export const results: Comparison[] = [];

const settings = { runs: 7, minMs: 300 };

/** Fewer, shorter runs (the regression check must finish in under a minute). */
export function configure(runs: number, minMs: number): void {
  settings.runs = runs;
  settings.minMs = minMs;
}

/** CPU milliseconds (user + system) this process has used: time the machine's other jobs take is not in it. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Units per CPU-second of this process (its GC threads included), over at least `minMs` of CPU time. */
function timeRun(c: Case, minMs: number, from: number): { rate: number; next: number } {
  let n = from;
  const start = cpuMs();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let k = 0; k < 64; k++) c.run(n++);
    elapsed = cpuMs() - start;
  }
  return { rate: ((n - from) / elapsed) * 1000, next: n };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}

/** Touches every leaf of a decoded result (both sides materialise what they decoded). */
export function materialise(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v !== 'object') return 1;
  let n = 0;
  if (Array.isArray(v)) for (const x of v) n += materialise(x);
  else for (const k in v) n += materialise((v as Record<string, unknown>)[k]);
  return n;
}

export function fmt(rate: number): string {
  return Math.round(rate).toLocaleString('en-US').padStart(12);
}

const spreadText = (s: readonly [number, number]): string => `[${Math.round(s[0]).toLocaleString('en-US')}–${Math.round(s[1]).toLocaleString('en-US')}]`;

/** Measures our case and, when given, the peer on the same inputs, interleaved; prints one block. */
export function compare(title: string, ours: Case, peer?: Case): Comparison {
  const cases = peer ? [ours, peer] : [ours];
  // warm-up (JIT); each case keeps walking through its inputs, so no frame repeats soon
  const cursor = cases.map((c) => timeRun(c, 200, 0).next);
  const rates: number[][] = cases.map(() => []);
  for (let r = 0; r < settings.runs; r++) {
    cases.forEach((c, k) => {
      const t = timeRun(c, settings.minMs, cursor[k] as number);
      cursor[k] = t.next;
      rates[k]?.push(t.rate);
    });
  }
  const [a, b] = rates.map(median) as [number, number | undefined];
  const spread = (k: number): [number, number] => [Math.min(...(rates[k] as number[])), Math.max(...(rates[k] as number[]))];
  console.log(`\n${title}`);
  console.log(`  ${ours.name.padEnd(44)} ${fmt(a)} ${ours.unit}/s ${spreadText(spread(0))}`);
  const c: Comparison =
    peer && b !== undefined
      ? { title, ours: a, oursSpread: spread(0), peer: b, peerSpread: spread(1), ratio: a / b }
      : { title, ours: a, oursSpread: spread(0) };
  if (peer && b !== undefined) {
    console.log(`  ${peer.name.padEnd(44)} ${fmt(b)} ${peer.unit}/s ${spreadText(spread(1))}`);
    console.log(`  ${(peer.reference ? 'ratio to the reference' : 'ratio').padEnd(44)} ${(a / b).toFixed(peer.reference ? 2 : 1).padStart(12)} ×`);
  }
  results.push(c);
  return c;
}
