export { retained, type MqttMessage } from './common/message';
export { SMI_NAME, haOrigin, type HaOriginBlock, type SmiOrigin } from './common/origin';
export { mediumLabel, meterDisplayName } from './common/names';
export {
  HA_BINARY_SENSOR_DEVICE_CLASSES,
  HA_KNOWN_UNITS,
  HA_SENSOR_DEVICE_CLASSES,
  HA_STATE_CLASSES,
  deviceClassAcceptsUnit,
  deviceClassRule,
  type HaDeviceClassRule,
} from './ha/device-classes';
export {
  DEFAULT_DISCOVERY_PREFIX,
  configTopic,
  entitySlug,
  gatewayDeviceId,
  haUniqueId,
  meterDeviceId,
  meterObjectId,
  meterTopicId,
} from './ha/ids';
export { meterDevice, meterDeviceName } from './ha/device';
export {
  classifyReading,
  defaultValueTemplate,
  entityName,
  haMeterDiscovery,
  haSensorConfig,
  type HaConfigMessage,
  type HaSensorClass,
} from './ha/sensor';
export { gatewayDevice, haGatewayDiscovery } from './ha/gateway';
export { haRemovals } from './ha/removals';
export { validateHaSensorConfig } from './ha/validate';
export type {
  HaAvailabilityEntry,
  HaBinarySensorConfig,
  HaDeviceBlock,
  HaDiscoveryOptions,
  HaGatewayDiscoveryOptions,
  HaSensorConfig,
} from './ha/types';
export { homieDevice, homieDisconnect, homieLastWill, homieValues } from './homie/device';
export { homieBase, homieDeviceId, homieLayout, homieValue, type HomieLayout, type HomieNode, type HomieProperty } from './homie/layout';
export { DEFAULT_HOMIE_ROOT, HOMIE_VERSION, type HomieOptions } from './homie/types';
