import { topicId } from '@smi/model';
import type { HaDiscoveryOptions, HaGatewayDiscoveryOptions } from '../ha/types';

export const HA_OPTS: HaDiscoveryOptions = {
  installId: 'a1b2c3',
  instance: 'smi',
  stateTopic: (meter) => `smi/${topicId(meter.id)}/state`,
  gatewayAvailabilityTopic: 'smi/gateway/availability',
  meterAvailabilityTopic: (meter) => `smi/${topicId(meter.id)}/availability`,
  origin: { swVersion: '0.4.0', supportUrl: 'https://example.invalid/smi' },
};

export const GATEWAY_OPTS: HaGatewayDiscoveryOptions = {
  installId: 'a1b2c3',
  origin: { swVersion: '0.4.0', supportUrl: 'https://example.invalid/smi' },
  configurationUrl: 'http://homeassistant.local:8099/',
  availabilityTopic: 'smi/gateway/availability',
  rejectedFramesTopic: 'smi/gateway/rejected_frames',
};
