/** Protocols a meter's configuration (and `--protocol`) may name. */
export const PROTOCOL_CHOICES = ['auto', 'dsmr', 'iec62056-21', 'sml', 'dlms', 'mbus', 'modbus'] as const;
