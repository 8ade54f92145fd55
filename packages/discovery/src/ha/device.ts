import { manufacturerName, type MeterSnapshot } from '@smi/model';
import { meterDisplayName } from '../common/names';
import { gatewayDeviceId, meterDeviceId } from './ids';
import type { HaAvailabilityEntry, HaDeviceBlock, HaDiscoveryOptions } from './types';

/** Reading keys whose text value is the meter's firmware version (OBIS 1-0:0.2.0). */
const FIRMWARE_KEYS: readonly string[] = ['firmware_version'];

function manufacturerOf(snapshot: MeterSnapshot): string | undefined {
  const { meter } = snapshot;
  if (meter.manufacturer !== undefined && meter.manufacturer !== '') return meter.manufacturer;
  if (meter.manufacturerId === undefined || meter.manufacturerId === '') return undefined;
  return manufacturerName(meter.manufacturerId) ?? meter.manufacturerId;
}

function firmwareOf(snapshot: MeterSnapshot): string | undefined {
  const reading = snapshot.readings.find((r) => FIRMWARE_KEYS.includes(r.key));
  const value = reading?.value;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function meterDeviceName(snapshot: MeterSnapshot, opts: Pick<HaDiscoveryOptions, 'deviceName'>): string {
  return opts.deviceName?.(snapshot.meter) ?? meterDisplayName(snapshot.meter);
}

/**
 * The meter's device block (platform-conventions §1.6): identifiers `smi_<meterTopicId>`,
 * manufacturer from the name or the FLAG id, model, the meter id as serial number, the firmware
 * reading as sw_version when the meter sends one, and `via_device` = the gateway. (MeterInfo's
 * `version` is the protocol dialect, not firmware, so it is not used.)
 */
export function meterDevice(snapshot: MeterSnapshot, opts: HaDiscoveryOptions): HaDeviceBlock {
  const { meter } = snapshot;
  const manufacturer = manufacturerOf(snapshot);
  const firmware = firmwareOf(snapshot);
  return {
    identifiers: [meterDeviceId(meter)],
    name: meterDeviceName(snapshot, opts),
    ...(manufacturer === undefined ? {} : { manufacturer }),
    ...(meter.model === undefined || meter.model === '' ? {} : { model: meter.model }),
    serial_number: meter.id,
    ...(firmware === undefined ? {} : { sw_version: firmware }),
    via_device: gatewayDeviceId(opts.installId),
  };
}

/** Gateway topic first, meter topic second; used with `availability_mode: all` (§1.4, §4.1). */
export function meterAvailability(snapshot: MeterSnapshot, opts: HaDiscoveryOptions): HaAvailabilityEntry[] {
  return [{ topic: opts.gatewayAvailabilityTopic }, { topic: opts.meterAvailabilityTopic(snapshot.meter) }];
}
