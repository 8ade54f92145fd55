// The npm peers as a user would run them on a capture file: a minimal script that reads the
// file, cuts it into frames (as the peer's serial/stdin transport hands them over), decodes each
// with the peer and materialises every value (walks each result to its leaves), then prints one
// summary line like `smi decode --summary`. Used by bench-process.mjs and bench-check.mjs.
//   node scripts/peer-decode.mjs dsmr|sml|d0 FILE
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [protocol, file] = process.argv.slice(2);
const data = readFileSync(file);
let frames = 0;
let values = 0;
let failed = 0;

/** Touches every leaf of a result (numbers, strings, dates) and counts them. */
function materialise(v) {
  if (v === null || v === undefined) return;
  if (typeof v !== 'object' || v instanceof Date) {
    values++;
    return;
  }
  for (const k in v) materialise(v[k]);
}

if (protocol === 'dsmr') {
  const dsmrParser = require('dsmr-parser');
  const text = data.toString('latin1');
  let at = 0;
  for (;;) {
    const bang = text.indexOf('\r\n!', at);
    if (bang < 0) break;
    const end = bang + 9; // CR LF ! 4 hex CR LF
    try {
      materialise(dsmrParser.parse(text.slice(at, end)).objects);
    } catch {
      failed++; // bad structure or CRC: dsmr-parser throws
    }
    frames++;
    at = end;
  }
} else if (protocol === 'sml') {
  const SmlProtocol = require('smartmeter-obis/lib/protocols/SmlProtocol');
  const p = new SmlProtocol({ debug: 0, logger: () => undefined }, (err, result) => {
    if (err || !result) failed++;
    else {
      frames++;
      for (const k in result) materialise(result[k].values);
    }
  });
  const start = Buffer.from('1b1b1b1b01010101', 'hex');
  let at = data.indexOf(start);
  while (at >= 0) {
    const next = data.indexOf(start, at + 8);
    p.handleMessage(data.subarray(at, next < 0 ? data.length : next));
    at = next;
  }
} else if (protocol === 'd0') {
  const D0Protocol = require('smartmeter-obis/lib/protocols/D0Protocol');
  let ok = 0;
  const store = (err, result) => {
    if (err || !result) failed++;
    else {
      ok++;
      for (const k in result) materialise(result[k].values);
    }
  };
  // a readout starts with `/` at the start of a line or right after ETX + BCC
  const starts = [];
  for (let i = 0; i < data.length; i++) if (data[i] === 0x2f && (i === 0 || data[i - 1] === 0x0a || data[i - 2] === 0x03)) starts.push(i);
  starts.push(data.length);
  for (let s = 0; s + 1 < starts.length; s++) {
    const b = data.subarray(starts[s], starts[s + 1]);
    const p = new D0Protocol({ transportSerialBaudrate: 300, debug: 0, logger: () => undefined }, store);
    p.initState();
    if (p.checkMessage(b)) {
      const rest = p.handleMessage(b);
      p.communicationState = 4;
      if (rest && p.checkMessage(rest)) p.handleMessage(rest);
    }
    frames++;
  }
  failed = frames - ok;
} else {
  throw new Error('protocol: dsmr, sml or d0');
}
process.stdout.write(JSON.stringify({ frames, failed, values }) + '\n');
