import { d0Simulator } from './d0';
import { dlmsSimulator } from './dlms';
import { dsmrSimulator } from './dsmr';
import { encryptedP1Simulator } from './encrypted-p1';
import { mbusSimulator } from './mbus';
import { modbusSimulator } from './modbus';
import { smlSimulator } from './sml';
import type { SimulatorName } from './names';
import type { SimulatorFactory } from './simulator';

export type { MeterSimulator, SimulatorAction, SimulatorFactory, SimulatorOptions } from './simulator';
export { runSimulator } from './runner';
export { SIMULATOR_NAMES, type SimulatorName } from './names';

/** Simulated meters by name (`smi simulate --meter NAME`). One line per simulator. */
export const SIMULATORS: Readonly<Record<SimulatorName, { readonly description: string; readonly create: SimulatorFactory }>> = {
  dsmr: { description: 'DSMR P1 meter pushing recorded telegrams (setting recording=NAME[,NAME])', create: dsmrSimulator },
  d0: {
    description: 'IEC 62056-21 meter answering /?! (settings mode=A|B|C|D|E, recording=NAME or file=PATH, maxBaud, address, wakeUpNuls)',
    create: d0Simulator,
  },
  sml: { description: 'SML meter pushing real SML files (settings recording=NAME or file=PATH, corrupt=N)', create: smlSimulator },
  mbus: { description: 'wired M-Bus slave(s) answering a master (settings frame=NAME[,NAME], address=N[,N], secondary=16HEX, split=N)', create: mbusSimulator },
  modbus: {
    description:
      'Modbus RTU (--port) or TCP (--tcp-port) meter(s) answering reads from a built-in profile (settings profile=ID|sunspec[,ID…], unit=N[,N], baud=N, missing=ADDRESS[,ADDRESS])',
    create: modbusSimulator,
  },
  dlms: {
    description: 'DLMS/COSEM push meter sending real encrypted frames (settings frame=lg-e570|evn-kaifa-ma309, key=HEX, replay=true)',
    create: dlmsSimulator,
  },
  'encrypted-p1': { description: 'Smarty-style encrypted P1 meter (settings key=HEX, authKey=HEX, recording=NAME[,NAME])', create: encryptedP1Simulator },
};
