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
  /**
   * The gateway's host, for the `org.homie.legacy-firmware` extension's `$localip` and `$mac`
   * (the device's network interface: the meters are reached through the gateway). Default the
   * loopback interface (`127.0.0.1`, `00:00:00:00:00:00`).
   */
  readonly host?: { readonly localIp: string; readonly mac: string };
  /** `$fw/version`: the gateway's version (`$fw/name` is `smart-meter-interop`); default `0.0.0`. */
  readonly firmwareVersion?: string;
}

/**
 * The one extension SMI implements: Homie's own legacy-firmware extension (`$localip`, `$mac`,
 * `$fw/name`, `$fw/version`). `$extensions` is mandatory in Homie 4 and an empty retained MQTT
 * payload would delete it instead of publishing it, so an empty list is not an option.
 */
export const HOMIE_EXTENSIONS = 'org.homie.legacy-firmware:0.1.1:[4.x]';
export const HOMIE_FIRMWARE_NAME = 'smart-meter-interop';
