import { fail, ok, type DecodeError, type Result } from '../common';
import type { FrameCounterTracker } from '../crypto';
import { stripLlc } from '../hdlc';
import {
  decipherApdu,
  GENERAL_CIPHERING,
  GENERAL_DED_CIPHERING,
  GENERAL_GLO_CIPHERING,
  parseCipheredApdu,
  securityControl,
  type CipherKeys,
} from './ciphering';
import type { AxdrListMemo } from './axdr';
import { DATA_NOTIFICATION, parseDataNotification, type DataNotification } from './data-notification';
import { GENERAL_BLOCK_TRANSFER, parseGbtBlock } from './gbt';

export interface DlmsApduOptions extends CipherKeys {
  /** Replay check: the caller's tracker of the last accepted invocation counter per system title. */
  readonly counters?: FrameCounterTracker;
  /** A decoder's memo (the `ReadingCache` has one): nested lists of the last push are not parsed again. */
  readonly cache?: { readonly lists?: AxdrListMemo };
}

export interface DlmsSecurity {
  readonly systemTitle: Uint8Array;
  readonly securityControl: number;
  readonly invocationCounter: number;
  /** True when the GCM tag was checked with the authentication key. */
  readonly authenticated: boolean;
}

export interface DlmsApdu {
  readonly notification: DataNotification;
  /** Present when the APDU came inside general-glo/ded-ciphering. */
  readonly security?: DlmsSecurity;
}

const LAYER = 'dlms';
const MAX_LAYERS = 4;

function asDecryptFailed(error: DecodeError): { ok: false; error: DecodeError } {
  return fail('decrypt-failed', 'gcm', `decrypted content is not a DLMS APDU (${error.kind}: ${error.message})`, error.offset);
}

/**
 * The unwrap loop for one complete APDU (an HDLC information field, the joined M-Bus segments or
 * GBT blocks): strips the LLC, then peels one layer per step — a single-block GBT, a ciphered APDU
 * (decrypt) — until it reaches the data-notification.
 */
export function decodeDlmsApdu(apdu: Uint8Array, options: DlmsApduOptions = {}): Result<DlmsApdu> {
  let bytes = stripLlc(apdu);
  let security: DlmsSecurity | undefined;
  for (let step = 0; step < MAX_LAYERS; step++) {
    const tag = bytes[0];
    if (tag === undefined) return fail('truncated', LAYER, 'empty APDU', 0);
    switch (tag) {
      case DATA_NOTIFICATION: {
        if (security === undefined && options.key) return fail('not-encrypted', LAYER, 'a key is configured but the APDU is not ciphered');
        const dn = parseDataNotification(bytes, security !== undefined, options.cache?.lists); // decrypted: our own bytes
        if (!dn.ok) return security && !security.authenticated ? asDecryptFailed(dn.error) : dn;
        if (security) options.counters?.accept(security.systemTitle, security.invocationCounter);
        return ok(security ? { notification: dn.value, security } : { notification: dn.value });
      }
      case GENERAL_GLO_CIPHERING:
      case GENERAL_DED_CIPHERING: {
        if (security) return fail('bad-format', LAYER, 'ciphered APDU inside a ciphered APDU');
        const c = parseCipheredApdu(bytes);
        if (!c.ok) return c;
        const { systemTitle, invocationCounter } = c.value;
        if (options.key && options.counters && !options.counters.isFresh(systemTitle, invocationCounter)) {
          return fail('replayed', 'gcm', `invocation counter ${invocationCounter} is not above the last accepted one`);
        }
        const plain = decipherApdu(c.value, options);
        if (!plain.ok) return plain;
        const sc = securityControl(c.value.securityControl);
        security = {
          systemTitle,
          securityControl: c.value.securityControl,
          invocationCounter,
          authenticated: sc.authenticated && options.authKey !== undefined,
        };
        if (plain.value[0] !== DATA_NOTIFICATION && plain.value[0] !== GENERAL_BLOCK_TRANSFER) {
          return sc.authenticated && options.authKey !== undefined
            ? fail('unsupported', LAYER, `ciphered APDU ${plain.value[0]?.toString(16) ?? '(empty)'} is not a data-notification`)
            : fail('decrypt-failed', 'gcm', 'decrypted content does not start with a DLMS push APDU: wrong key?');
        }
        bytes = plain.value;
        break;
      }
      case GENERAL_BLOCK_TRANSFER: {
        const b = parseGbtBlock(bytes);
        if (!b.ok) return b;
        if (!b.value.last || b.value.blockNumber !== 1) {
          return fail('unsupported', LAYER, 'multi-block general-block-transfer needs the stream decoder (createDlmsDecoder)');
        }
        bytes = b.value.data;
        break;
      }
      case GENERAL_CIPHERING:
        return fail('unsupported', LAYER, 'general-ciphering (DD) is not supported');
      default:
        return fail('unsupported', LAYER, `APDU tag ${tag.toString(16).padStart(2, '0')} is not a push APDU`, 0);
    }
  }
  return fail('bad-format', LAYER, `more than ${MAX_LAYERS} nested layers`);
}
