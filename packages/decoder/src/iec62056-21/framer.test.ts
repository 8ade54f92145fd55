import { bcc } from './bcc';
import { buildDataMessage, parseDataMessage } from './data-message';
import { createD0Decoder, type D0DecoderOptions } from './stream-decoder';
import { D0Framer, type D0FramerEvent, type D0FramerOptions } from './framer';
import { buildBreak, buildCommand } from './messages';
import { asciiBytes } from './text';

const ident = '/ISk5MT174-0001\r\n';
const block = '1.8.0(001234.567*kWh)\r\n0.0.0(12345678)\r\n';
const good = (): Uint8Array => buildDataMessage(block);
const xorLast = (m: Uint8Array, x: number): void => {
  m[m.length - 1] = (m[m.length - 1] as number) ^ x;
};

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? asciiBytes(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

function frames(bytes: Uint8Array, options: D0FramerOptions = {}): D0FramerEvent[] {
  const f = new D0Framer(options);
  return [...f.pushEvents(bytes), ...f.flushEvents()];
}

const types = (events: readonly D0FramerEvent[]): string[] => events.map((e) => (e.type === 'error' ? `error:${e.error.kind}` : e.type));

describe('data message', () => {
  it('builds STX block ! CR LF ETX BCC with BCC over everything after STX through ETX', () => {
    const m = good();
    expect(m[0]).toBe(0x02);
    expect(m[m.length - 2]).toBe(0x03);
    expect(m[m.length - 1]).toBe(bcc(m, 1, m.length - 1));
    const parsed = parseDataMessage(m);
    expect(parsed.ok && parsed.value).toMatchObject({ form: 'stx', bcc: 'ok', complete: true, text: block });
  });

  it('parses the push form and keeps a DSMR-style checksum after !', () => {
    const r = parseDataMessage(asciiBytes(`${block}!522B\r\n`));
    expect(r.ok && r.value).toMatchObject({ form: 'push', bcc: 'absent', checksum: '522B', text: block });
  });

  it.each([
    [
      'bad BCC',
      () => {
        const m = good();
        xorLast(m, 0x55);
        return m;
      },
      'bad-crc',
    ],
    ['no ETX, no end', () => asciiBytes(`\x02${block}`), 'truncated'],
    ['ETX without BCC', () => good().subarray(0, good().length - 1), 'truncated'],
    ['empty', () => new Uint8Array(0), 'truncated'],
    ['push without !', () => asciiBytes(block), 'truncated'],
  ])('rejects %s', (_name, make, kind) => {
    const r = parseDataMessage(make());
    expect(r.ok ? 'ok' : r.error.kind).toBe(kind);
  });

  it('accepts a wrong BCC when checking is off, and says so', () => {
    const m = good();
    xorLast(m, 1);
    const r = parseDataMessage(m, { verifyBcc: false });
    expect(r.ok && r.value.bcc).toBe('mismatch');
  });
});

describe('framer', () => {
  it('finds request echo, identification, option select and data in mode C order', () => {
    const stream = concat('/?!\r\n', ident, '\x06050\r\n', good());
    const ev = frames(stream);
    expect(types(ev)).toEqual(['request', 'identification', 'option-select', 'data']);
    const o = ev[2];
    expect(o?.type === 'option-select' && o.option).toEqual({ protocolChar: '0', baudChar: '5', modeChar: '0' });
    expect(ev.map((e) => e.offset)).toEqual([0, 5, 22, 28]);
  });

  it('takes push data without STX after an identification, blank line included', () => {
    expect(types(frames(concat(ident, '\r\n', block, '!\r\n')))).toEqual(['identification', 'data']);
  });

  it('ignores plain lines without an identification unless told otherwise', () => {
    const f = new D0Framer();
    expect(types([...f.pushEvents(asciiBytes(`${block}!\r\n`)), ...f.flushEvents()])).toEqual([]);
    expect(f.discardedBytes).toBeGreaterThan(0);
    expect(types(frames(asciiBytes(`${block}!\r\n`), { pushWithoutIdentification: true }))).toEqual(['data']);
  });

  it('emits an STX block that stops at ! CR LF when the next byte is no ETX, or on flush', () => {
    const noEtx = concat(ident, `\x02${block}!\r\n`);
    const f = new D0Framer();
    expect(types(f.pushEvents(noEtx))).toEqual(['identification']);
    expect(types(f.flushEvents())).toEqual(['data']);
    expect(types(frames(concat(noEtx, ident, good())))).toEqual(['identification', 'data', 'identification', 'data']);
  });

  it('finds bare ACK, NAK, the break and command messages', () => {
    const p0 = buildCommand({ command: 'P', type: '0', data: '(1234567)' });
    const ev = frames(concat('\x06', '\x15', p0, buildBreak()));
    expect(types(ev)).toEqual(['ack', 'nak', 'command', 'command']);
    const c = ev[2];
    expect(c?.type === 'command' && c.command).toEqual({ command: 'P', type: '0', data: '(1234567)' });
  });

  it('reads ACK followed by anything but V Z Y CR LF as a bare ACK (programming-mode answer)', () => {
    const f = new D0Framer();
    const out = f.push(asciiBytes('\x060500\r\n\x060Z0\r\n'));
    expect(out.map((x) => (x.ok ? x.frame.type : x.error.kind))).toEqual(['ack', 'ack']);
    expect(f.discardedBytes).toBe(7);
  });

  it('masks the parity bit when the port runs 8N1', () => {
    const withParity = concat(ident, good()).map((b) => b | 0x80);
    expect(types(frames(withParity, { maskParity: true }))).toEqual(['identification', 'data']);
  });

  it('resumes cleanly after flush and after reset', () => {
    const f = new D0Framer();
    const bytes = concat('/?!\r\n', ident, `\x02${block}!\r\n`);
    for (let i = 0; i < 3; i++) expect(types([...f.pushEvents(bytes), ...f.flushEvents()])).toEqual(['request', 'identification', 'data']);
    f.pushEvents(concat(ident, '\x02', '1.8.0(1'));
    f.reset();
    expect(types([...f.pushEvents(concat(ident, good())), ...f.flushEvents()])).toEqual(['identification', 'data']);
  });

  it('skips garbage before a frame and counts it', () => {
    const f = new D0Framer();
    const out = f.push(concat('xx\xffjunk', ident, good()));
    expect(out.map((x) => (x.ok ? x.frame.type : x.error.kind))).toEqual(['identification', 'data']);
    expect(f.discardedBytes).toBe(7);
    expect(f.pendingBytes).toBe(0);
  });

  const cut = (m: Uint8Array, n: number): Uint8Array => m.subarray(0, m.length - n);
  const wrongBcc = (): Uint8Array => {
    const m = good();
    xorLast(m, 0x21);
    return m;
  };
  /** Broken inputs → error kinds (after flush). */
  const BROKEN: readonly [string, () => Uint8Array, D0FramerOptions, readonly string[]][] = [
    ['bad BCC', () => concat(ident, wrongBcc()), {}, ['identification', 'error:bad-crc']],
    ['missing ETX and BCC (strict)', () => concat(ident, `\x02${block}!\r\n`), { acceptMissingEtx: false }, ['identification', 'error:truncated']],
    ['block ends before ETX', () => concat(ident, cut(good(), 6)), {}, ['identification', 'error:truncated']],
    ['ETX without BCC', () => concat(ident, cut(good(), 1)), {}, ['identification', 'error:truncated']],
    ['no ETX within the maximum size', () => concat(ident, '\x02', 'x'.repeat(300)), { maxFrameBytes: 256 }, ['identification', 'error:too-long']],
    ['push without ! within the maximum size', () => concat(ident, '1.8.0(1)\r\n'.repeat(40)), { maxFrameBytes: 256 }, ['identification', 'error:too-long']],
    [
      'push data cut off by a new identification',
      () => concat(ident, '1.8.0(1)\r\n', ident, block, '!\r\n'),
      {},
      ['identification', 'error:truncated', 'identification', 'data'],
    ],
    [
      'STX block cut off by a new identification',
      () => concat(ident, '\x021.8.0(1)\r\n', ident, good()),
      {},
      ['identification', 'error:truncated', 'identification', 'data'],
    ],
    ['identification line without CR LF', () => asciiBytes('/ISk5MT174'), {}, ['error:truncated']],
    ['identification line too long', () => asciiBytes(`/ISk5${'x'.repeat(200)}\r\n`), {}, ['error:too-long']],
    ['identification without FLAG letters', () => asciiBytes('/1235ABC\r\n'), {}, ['error:bad-format']],
    ['identification shorter than /XXXZ', () => asciiBytes('/IS\r\n'), {}, ['error:truncated']],
    ['request without !', () => asciiBytes('/?12\r\n'), {}, ['error:bad-format']],
    ['option select line with 2 characters', () => asciiBytes('\x0605\r\n'), {}, ['error:truncated']],
    [
      'command with bad BCC',
      () => {
        const c = buildBreak();
        xorLast(c, 1);
        return c;
      },
      {},
      ['error:bad-crc'],
    ],
    [
      'command with letter type',
      () => {
        const c = asciiBytes('\x01BX\x03?');
        c[4] = bcc(c, 1, 4);
        return c;
      },
      {},
      ['error:bad-format'],
    ],
    ['push data interrupted by STX', () => concat(ident, '1.8.0(1)\r\n', good()), {}, ['identification', 'error:truncated', 'data']],
  ];

  it.each(BROKEN)('%s', (_name, make, options, expected) => {
    expect(types(frames(make(), options))).toEqual(expected);
  });

  it.each(BROKEN)('%s — same when fed byte by byte', (_name, make, options, expected) => {
    const bytes = make();
    const f = new D0Framer(options);
    const ev: D0FramerEvent[] = [];
    for (let i = 0; i < bytes.length; i++) ev.push(...f.pushEvents(bytes.subarray(i, i + 1)));
    ev.push(...f.flushEvents());
    expect(types(ev)).toEqual(expected);
  });
});

describe('decoder errors', () => {
  const run = (bytes: Uint8Array, options: D0DecoderOptions = {}): string[] => {
    const d = createD0Decoder(options);
    return [...d.push(bytes), ...d.flush()].map((e) => (e.ok ? 'ok' : e.error.kind));
  };

  it('reports a data block without data sets as bad-format', () => {
    expect(run(concat(ident, buildDataMessage('garbage line\r\n')))).toEqual(['bad-format']);
  });

  it('reports framing errors as events and goes on', () => {
    const broken = good();
    xorLast(broken, 1);
    expect(run(concat(ident, broken, ident, good()))).toEqual(['bad-crc', 'ok']);
  });
});
