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
export { DEFAULT_DISCOVERY_PREFIX, configTopic, entitySlug, gatewayDeviceId, haUniqueId, meterDeviceId, meterObjectId, meterTopicId } from './ha/ids';
export { meterDevice, meterDeviceName } from './ha/device';
export {
  classifyReading,
  defaultValueTemplate,
  entityName,
  haMeterDiscovery,
  haMeterEntities,
  haSensorConfig,
  type HaConfigMessage,
  type HaSensorClass,
} from './ha/sensor';
export { gatewayDevice, haGatewayDiscovery } from './ha/gateway';
export { haRemovals } from './ha/removals';
export { DEFAULT_HISTORY_MODE, HISTORY_KEY, haHistoryConfig, isHistoryReading, splitHistory } from './ha/history';
export { validateHaSensorConfig } from './ha/validate';
export { validateHaDeviceConfig } from './ha/validate-device';
export {
  HA_MIGRATION_PAYLOAD,
  haDeviceComponentIds,
  haDeviceConfigTopic,
  haDeviceDiscovery,
  haEntityTopicOfComponent,
  haMigrationMessage,
} from './ha/device-discovery';
export type {
  HaAvailabilityEntry,
  HaBinarySensorConfig,
  HaDeviceBlock,
  HaDeviceDiscoveryConfig,
  HaSensorComponent,
  HaDiscoveryOptions,
  HaGatewayDiscoveryOptions,
  HaHistoryMode,
  HaSensorConfig,
} from './ha/types';
export { homieDatatype, homieDevice, homieDisconnect, homieLastWill, homieValues } from './homie/device';
export { homieBase, homieDeviceId, homieLayout, homieValue, type HomieLayout, type HomieNode, type HomieProperty } from './homie/layout';
export { DEFAULT_HOMIE_ROOT, HOMIE_EXTENSIONS, HOMIE_FIRMWARE_NAME, HOMIE_VERSION, type HomieOptions } from './homie/types';
