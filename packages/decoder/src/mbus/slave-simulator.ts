import { CI } from './application';
import { MBUS_ACK, parseMbusFrame } from './frame';
import { LONG_HEADER_LENGTH } from './header';
import { ADDRESS, CONTROL, matchesSecondaryMask } from './master';

/**
 * A pure M-Bus slave for tests and demo mode: answers SND_NKE, REQ_UD2 (with FCB handling and
 * multi-telegram sequences), secondary selection (CI 52) and application reset with the frames
 * it was given. No timing: the caller decides when a reply "arrives".
 */
export interface MbusSlaveConfig {
  readonly primaryAddress: number;
  /** RSP_UD frames answered in turn to REQ_UD2 (a multi-telegram readout: all but the last end with DIF 1F). */
  readonly telegrams: readonly Uint8Array[];
  /**
   * The 8 secondary-address bytes (id LSB first, manufacturer, version, medium); default: taken
   * from the first telegram's CI 72 header.
   */
  readonly secondaryAddress?: Uint8Array;
}

export interface MbusSlaveState {
  /** Selected by secondary addressing: answers requests to A = FD. */
  readonly selected: boolean;
  /** Telegram sent last (or to send first). */
  readonly index: number;
  /** FCB of the last REQ_UD2 answered; undefined after a reset. */
  readonly lastFcb: boolean | undefined;
}

export const INITIAL_SLAVE_STATE: MbusSlaveState = { selected: false, index: 0, lastFcb: undefined };

export interface MbusSlaveStep {
  readonly state: MbusSlaveState;
  /** Bytes the slave sends back; undefined when it stays silent. */
  readonly reply?: Uint8Array;
}

const ACK = Uint8Array.of(MBUS_ACK);

function secondaryOf(config: MbusSlaveConfig): Uint8Array | undefined {
  if (config.secondaryAddress) return config.secondaryAddress;
  const first = config.telegrams[0];
  if (!first) return undefined;
  const f = parseMbusFrame(first);
  if (!f.ok || f.value.type !== 'long' || f.value.ci !== CI.variableData || f.value.data.length < LONG_HEADER_LENGTH) return undefined;
  return f.value.data.slice(0, 8);
}

/** The slave's answer to one request frame (bytes as received from the master). */
export function slaveRespond(config: MbusSlaveConfig, state: MbusSlaveState, request: Uint8Array): MbusSlaveStep {
  const parsed = parseMbusFrame(request);
  if (!parsed.ok) return { state };
  const f = parsed.value;
  if (f.type === 'ack') return { state };
  const a = f.address;
  const addressed = a === config.primaryAddress || a === ADDRESS.broadcastReply || (a === ADDRESS.network && state.selected);
  const broadcastSilent = a === ADDRESS.broadcast;
  const c = f.control;

  if (f.type === 'short') {
    if (c === CONTROL.SND_NKE) {
      if (a === ADDRESS.network && state.selected) return { state: { ...state, selected: false }, reply: ACK };
      if (!addressed && !broadcastSilent) return { state };
      const next: MbusSlaveState = { ...state, index: 0, lastFcb: undefined };
      return broadcastSilent ? { state: next } : { state: next, reply: ACK };
    }
    if (!addressed) return { state };
    if ((c & ~CONTROL.FCB) === CONTROL.REQ_UD2) {
      const fcb = (c & CONTROL.FCB) !== 0;
      const n = config.telegrams.length;
      if (n === 0) return { state };
      let index = state.index;
      // A toggled FCB asks for the next telegram; the same FCB asks for a retransmission.
      if (state.lastFcb !== undefined && fcb !== state.lastFcb) index = (index + 1) % n;
      return { state: { ...state, index, lastFcb: fcb }, reply: config.telegrams[index] as Uint8Array };
    }
    if ((c & ~CONTROL.FCB) === CONTROL.REQ_UD1) return { state, reply: ACK };
    return { state };
  }

  if ((c & ~CONTROL.FCB) !== CONTROL.SND_UD) return { state };
  if (f.ci === CI.selectSlave && a === ADDRESS.network) {
    const own = secondaryOf(config);
    const match = own !== undefined && matchesSecondaryMask(f.data, own);
    return match ? { state: { ...state, selected: true }, reply: ACK } : { state: { ...state, selected: false } };
  }
  if (!addressed && !broadcastSilent) return { state };
  const next = f.ci === CI.applicationReset ? { ...state, index: 0, lastFcb: undefined } : state;
  return broadcastSilent ? { state: next } : { state: next, reply: ACK };
}
