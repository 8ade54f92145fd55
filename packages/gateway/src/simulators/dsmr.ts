import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetsDir } from '../assets';
import type { MeterSimulator, SimulatorFactory } from './simulator';

/** A DSMR P1 meter pushing real recorded telegrams in turn (`recording=dsmr-v5-iskra,…`). */
export const dsmrSimulator: SimulatorFactory = ({ settings }) => {
  const names = (settings['recording'] ?? 'dsmr-v5-iskra').split(',');
  const telegrams = names.map((n) => readFileSync(join(assetsDir(), 'simulator', `${n}.txt`)));
  let i = 0;
  const sim: MeterSimulator = {
    description: `DSMR P1 meter (${names.join(', ')})`,
    line: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
    push: () => telegrams[i++ % telegrams.length],
  };
  return sim;
};
