import { retained, type MqttMessage } from '../common/message';
import { haOrigin, SMI_NAME } from '../common/origin';
import { configTopic, DEFAULT_DISCOVERY_PREFIX, gatewayDeviceId } from './ids';
import type { HaBinarySensorConfig, HaDeviceBlock, HaGatewayDiscoveryOptions, HaSensorConfig } from './types';

export function gatewayDevice(opts: HaGatewayDiscoveryOptions): HaDeviceBlock {
  return {
    identifiers: [gatewayDeviceId(opts.installId)],
    name: opts.name ?? SMI_NAME,
    manufacturer: SMI_NAME,
    model: SMI_NAME,
    sw_version: opts.origin.swVersion,
    ...(opts.configurationUrl === undefined ? {} : { configuration_url: opts.configurationUrl }),
  };
}

/**
 * The gateway as an HA device (zigbee2mqtt's bridge device, platform-conventions §1.6, §4.2) with
 * two diagnostic entities:
 * - `binary_sensor` `connectivity` on the gateway availability topic (`online` → on). It carries
 *   no availability of its own: it must show "disconnected", not "unavailable", when the LWT fires.
 * - `sensor` `rejected_frames`: frames the decoders rejected since start (`total_increasing`:
 *   the counter restarts at 0 with the gateway), available while the gateway is online.
 */
export function haGatewayDiscovery(opts: HaGatewayDiscoveryOptions): MqttMessage[] {
  const prefix = opts.prefix ?? DEFAULT_DISCOVERY_PREFIX;
  const deviceId = gatewayDeviceId(opts.installId);
  const device = gatewayDevice(opts);
  const origin = haOrigin(opts.origin);
  const connectivity: HaBinarySensorConfig = {
    name: 'Connectivity',
    unique_id: `${deviceId}_connectivity`,
    default_entity_id: 'binary_sensor.smi_gateway_connectivity',
    state_topic: opts.availabilityTopic,
    payload_on: 'online',
    payload_off: 'offline',
    device_class: 'connectivity',
    entity_category: 'diagnostic',
    device,
    origin,
  };
  const rejected: HaSensorConfig = {
    name: 'Rejected frames',
    unique_id: `${deviceId}_rejected_frames`,
    default_entity_id: 'sensor.smi_gateway_rejected_frames',
    state_topic: opts.rejectedFramesTopic,
    ...(opts.rejectedFramesValueTemplate === undefined ? {} : { value_template: opts.rejectedFramesValueTemplate }),
    state_class: 'total_increasing',
    suggested_display_precision: 0,
    entity_category: 'diagnostic',
    availability_mode: 'all',
    availability: [{ topic: opts.availabilityTopic }],
    device,
    origin,
  };
  return [
    retained(configTopic(prefix, 'binary_sensor', deviceId, 'connectivity'), JSON.stringify(connectivity)),
    retained(configTopic(prefix, 'sensor', deviceId, 'rejected_frames'), JSON.stringify(rejected)),
  ];
}
