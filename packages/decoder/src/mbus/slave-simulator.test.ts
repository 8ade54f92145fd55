import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexBytes as hex } from '../common/testing';
import type { MbusVariableTelegram } from './application';
import { decodeApplicationLayer } from './application';
import { encodeLongFrame, parseMbusFrame } from './frame';
import { buildApplicationReset, buildReqUd2, buildSelectSecondary, buildSndNke, createFcbState, isAck, linkReset, nextReqUd2, repeatReqUd2 } from './master';
import { EMPTY_READOUT, accumulateReadout, mergeReadout, type ReadoutAccumulator } from './multi-telegram';
import { INITIAL_SLAVE_STATE, slaveRespond, type MbusSlaveConfig, type MbusSlaveState } from './slave-simulator';
import { recordsToReadings } from './readings';

/** Kamstrup Multical 601 header (fx:mbus/kamstrup_multical_601.hex) with a given access number. */
const header = (access: number): string => `17 58 85 06 2D 2C 08 04 ${access.toString(16).padStart(2, '0')} 00 00 00`;
/** A two-telegram readout: energy + "more records follow", then volume. */
const TELEGRAM_1 = encodeLongFrame(0x08, 0x01, 0x72, hex(`${header(1)} 04 06 E7 91 00 00 1F`));
const TELEGRAM_2 = encodeLongFrame(0x08, 0x01, 0x72, hex(`${header(2)} 04 14 2C DB 00 00`));

const config: MbusSlaveConfig = { primaryAddress: 1, telegrams: [TELEGRAM_1, TELEGRAM_2] };

function telegramOf(bytes: Uint8Array | undefined): MbusVariableTelegram {
  const f = bytes && parseMbusFrame(bytes);
  if (!f || !f.ok) throw new Error('no frame');
  const t = decodeApplicationLayer(f.value);
  if (!t.ok || t.value.kind !== 'variable') throw new Error('not a variable telegram');
  return t.value;
}

describe('M-Bus slave simulator and multi-telegram readout', () => {
  it('answers SND_NKE with E5 and a REQ_UD2 sequence with its telegrams, following the FCB', () => {
    let slave: MbusSlaveState = INITIAL_SLAVE_STATE;
    let fcb = createFcbState();
    const send = (frame: Uint8Array): Uint8Array | undefined => {
      const step = slaveRespond(config, slave, frame);
      slave = step.state;
      return step.reply;
    };
    const reset = linkReset(fcb, 1);
    fcb = reset.state;
    expect(isAck(send(reset.frame) ?? new Uint8Array(0))).toBe(true);

    let readout: ReadoutAccumulator = EMPTY_READOUT;
    do {
      const req = nextReqUd2(fcb, 1);
      fcb = req.state;
      const acc = accumulateReadout(readout, telegramOf(send(req.frame)));
      if (!acc.ok) throw new Error(acc.error.message);
      readout = acc.value;
    } while (!readout.complete);
    expect(readout.telegrams).toHaveLength(2);
    const merged = mergeReadout(readout);
    const readings = merged ? recordsToReadings(merged.records, { medium: 'heat' }) : [];
    expect(readings.map((r) => [r.key, r.value, r.unit])).toEqual([
      ['energy', 37351, 'kWh'],
      ['volume', 561.08, 'm³'],
    ]);
    expect(merged?.header?.accessNumber).toBe(2);

    // Same FCB again = retransmission of the last telegram; a toggled FCB starts over.
    expect(send(repeatReqUd2(fcb, 1).frame)).toEqual(TELEGRAM_2);
    expect(send(nextReqUd2(fcb, 1).frame)).toEqual(TELEGRAM_1);
  });

  it('stays silent for other addresses and for broadcasts without reply', () => {
    expect(slaveRespond(config, INITIAL_SLAVE_STATE, buildReqUd2(2, true)).reply).toBeUndefined();
    expect(slaveRespond(config, INITIAL_SLAVE_STATE, buildSndNke(0xff)).reply).toBeUndefined();
    expect(slaveRespond(config, INITIAL_SLAVE_STATE, buildReqUd2(0xfe, true)).reply).toEqual(TELEGRAM_1);
    expect(slaveRespond(config, INITIAL_SLAVE_STATE, Uint8Array.of(0x10, 0x40, 0x01, 0x00, 0x16)).reply).toBeUndefined();
  });

  it('is selected by a matching secondary address (with wildcards) and answers on A = FD', () => {
    const select = (mask: string): Uint8Array => {
      const r = buildSelectSecondary(mask);
      if (!r.ok) throw new Error(mask);
      return r.value;
    };
    const miss = slaveRespond(config, INITIAL_SLAVE_STATE, select('12345678FFFFFFFF'));
    expect(miss.reply).toBeUndefined();
    expect(slaveRespond(config, miss.state, buildReqUd2(0xfd, true)).reply).toBeUndefined();

    const hit = slaveRespond(config, INITIAL_SLAVE_STATE, select('0685581F2C2D08FF'));
    expect(hit.reply).toEqual(Uint8Array.of(0xe5));
    expect(hit.state.selected).toBe(true);
    expect(slaveRespond(config, hit.state, buildReqUd2(0xfd, true)).reply).toEqual(TELEGRAM_1);

    // SND_NKE to FD deselects.
    const off = slaveRespond(config, hit.state, buildSndNke(0xfd));
    expect(off.reply).toEqual(Uint8Array.of(0xe5));
    expect(slaveRespond(config, off.state, buildReqUd2(0xfd, true)).reply).toBeUndefined();
  });

  it('acknowledges an application reset and restarts the telegram sequence', () => {
    const first = slaveRespond(config, INITIAL_SLAVE_STATE, buildReqUd2(1, true));
    const second = slaveRespond(config, first.state, buildReqUd2(1, false));
    expect(second.state.index).toBe(1);
    const reset = slaveRespond(config, second.state, buildApplicationReset(1));
    expect(reset.reply).toEqual(Uint8Array.of(0xe5));
    expect(slaveRespond(config, reset.state, buildReqUd2(1, false)).reply).toEqual(TELEGRAM_1);
  });

  it('rejects a telegram from another meter in the middle of a readout and caps the telegram count', () => {
    const first = accumulateReadout(EMPTY_READOUT, telegramOf(TELEGRAM_1));
    if (!first.ok) throw new Error('first');
    const other = telegramOf(hex(readFileSync(join(__dirname, '../../fixtures/mbus/elv_temp_humid.hex'), 'utf8')));
    const r = accumulateReadout(first.value, other);
    expect(!r.ok && r.error.kind).toBe('bad-value');
    const capped = accumulateReadout(first.value, telegramOf(TELEGRAM_1), 1);
    expect(!capped.ok && capped.error.kind).toBe('too-long');
  });
});
