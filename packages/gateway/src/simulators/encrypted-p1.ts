import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCipheredApdu, parseKey, SMARTY_AUTH_KEY } from '@smi/decoder';
import { assetsDir } from '../assets';
import type { MeterSimulator, SimulatorFactory } from './simulator';

/** A demo key for the simulated meter when none is given (never a real meter's key). */
export const ENCRYPTED_P1_DEMO_KEY = '000102030405060708090A0B0C0D0E0F';

function keyFrom(text: string, what: string): Uint8Array {
  const k = parseKey(text);
  if (!k.ok) throw new Error(`${what}: ${k.error.message}`);
  return k.value;
}

/**
 * A Luxembourg Smarty / Austrian style P1 meter (115200 8N1): real DSMR telegrams, each sent in
 * the encrypted envelope (`DB 08` system title, `82` length, SC `30`, invocation counter,
 * AES-128-GCM ciphertext, 12-byte tag) with the counter going up by one per telegram. Settings:
 * `key=HEX` (default `000102…0F`, a demo key), `authKey=HEX` (the AAD key; default the fixed
 * Smarty key `00112233…FF`), `recording=NAME[,NAME]` (built-in telegrams, default
 * `dsmr-sagemcom-t210-d-r`, the plaintext of the Sagemcom T210-D-r that Luxembourg and Austrian
 * grid operators install), `systemTitle=16HEX` (default `SAG` + `12345` in ASCII).
 */
export const encryptedP1Simulator: SimulatorFactory = ({ settings }) => {
  const key = keyFrom(settings['key'] ?? ENCRYPTED_P1_DEMO_KEY, 'key');
  const authKey = settings['authKey'] === undefined ? SMARTY_AUTH_KEY : keyFrom(settings['authKey'], 'authKey');
  const title = settings['systemTitle'] ?? Buffer.from('SAG12345', 'latin1').toString('hex');
  if (!/^[0-9A-Fa-f]{16}$/.test(title)) throw new Error('systemTitle must be 16 hex digits (8 bytes)');
  const systemTitle = Uint8Array.from(Buffer.from(title, 'hex'));
  const names = (settings['recording'] ?? 'dsmr-sagemcom-t210-d-r').split(',');
  const telegrams = names.map((n) => Uint8Array.from(readFileSync(join(assetsDir(), 'simulator', `${n}.txt`))));
  let counter = 0x10000001;
  let i = 0;
  const sim: MeterSimulator = {
    description: `encrypted P1 meter (${names.join(', ')}, Smarty envelope)`,
    line: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
    push: () => {
      const telegram = telegrams[i++ % telegrams.length] as Uint8Array;
      return buildCipheredApdu(telegram, { key, authKey, systemTitle, invocationCounter: counter++ >>> 0, securityControl: 0x30 });
    },
  };
  return sim;
};
