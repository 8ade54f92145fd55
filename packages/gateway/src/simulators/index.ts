import { dsmrSimulator } from './dsmr';
import type { SimulatorFactory } from './simulator';

export type { MeterSimulator, SimulatorAction, SimulatorFactory, SimulatorOptions } from './simulator';
export { runSimulator } from './runner';

/** Simulated meters by name (`smi simulate --meter NAME`). One line per simulator. */
export const SIMULATORS: Readonly<Record<string, { readonly description: string; readonly create: SimulatorFactory }>> = {
  dsmr: { description: 'DSMR P1 meter pushing recorded telegrams (setting recording=NAME[,NAME])', create: dsmrSimulator },
};
