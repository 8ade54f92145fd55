/** Names of the simulated meters (`smi simulate --meter NAME`), known without loading them. */
export const SIMULATOR_NAMES = ['dsmr', 'd0', 'sml', 'mbus', 'modbus', 'dlms', 'encrypted-p1'] as const;
export type SimulatorName = (typeof SIMULATOR_NAMES)[number];
