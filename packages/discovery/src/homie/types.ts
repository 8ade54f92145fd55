import type { MeterInfo } from '@smi/model';

export const HOMIE_VERSION = '4.0.0';
export const DEFAULT_HOMIE_ROOT = 'homie';

export interface HomieOptions {
  /** Base topic; default `homie` (the only one controllers discover automatically). */
  readonly root?: string;
  /** Device id; default `homieId(meter.id)` (`1ESY1161234567` → `1esy1161234567`). */
  readonly deviceId?: (meter: MeterInfo) => string;
  /** Device `$name`; default `<medium> meter <id>`. */
  readonly name?: (meter: MeterInfo) => string;
  /** Optional `$implementation`; default `smart-meter-interop`. */
  readonly implementation?: string;
}
