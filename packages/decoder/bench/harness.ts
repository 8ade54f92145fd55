/** Minimal throughput harness: median of several timed runs, on the one core this process has. */
export interface Case {
  readonly name: string;
  /** Processes one unit (telegram/frame) per call, cycling through the inputs. */
  readonly run: (i: number) => void;
  readonly unit: string;
}

function timeRun(c: Case, minMs: number): number {
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let k = 0; k < 64; k++) c.run(n++);
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (n / elapsed) * 1000;
}

export function measure(c: Case, runs = 7, minMs = 300): number {
  timeRun(c, 200); // warm-up (JIT)
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) rates.push(timeRun(c, minMs));
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

export function fmt(rate: number): string {
  return Math.round(rate).toLocaleString('en-US').padStart(12);
}

/** Measures our case and, when given, the peer on the same inputs; prints one comparison block. */
export function compare(title: string, ours: Case, peer?: Case): void {
  const a = measure(ours);
  console.log(`\n${title}`);
  console.log(`  ${ours.name.padEnd(44)} ${fmt(a)} ${ours.unit}/s`);
  if (peer) {
    const b = measure(peer);
    console.log(`  ${peer.name.padEnd(44)} ${fmt(b)} ${peer.unit}/s`);
    console.log(`  ${'ratio'.padEnd(44)} ${(a / b).toFixed(1).padStart(12)} ×`);
  }
}
