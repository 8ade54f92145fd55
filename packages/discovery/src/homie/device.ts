import { QUANTITY_DEFINITIONS, type MeterSnapshot, type Reading } from '@smi/model';
import { retained, type MqttMessage } from '../common/message';
import { meterDisplayName } from '../common/names';
import { homieBase, homieFormat, homieLayout, homieUnit, homieValue, type HomieLayout } from './layout';
import { HOMIE_EXTENSIONS, HOMIE_FIRMWARE_NAME, HOMIE_VERSION, type HomieOptions } from './types';

function valueMessages(layout: HomieLayout): MqttMessage[] {
  return layout.nodes.flatMap((node) =>
    node.properties.flatMap(({ id, reading }) => {
      const payload = homieValue(reading.value);
      return payload === undefined ? [] : [retained(`${layout.base}/${node.id}/${id}`, payload)];
    }),
  );
}

/** `$datatype` of a reading: the quantity's, but `datetime` (ISO 8601 payloads, Homie 4) for time stamps. */
export function homieDatatype(reading: Reading): string {
  return reading.quantity === 'timestamp' ? 'datetime' : QUANTITY_DEFINITIONS[reading.quantity].homieDatatype;
}

/**
 * A meter as a Homie 4.0.0 device (platform-conventions §2.3–2.4), in publishing order:
 * `$state=init`, device attributes (`$homie`, `$name`, `$nodes`, `$extensions` = Homie's
 * legacy-firmware extension and its `$localip`, `$mac`, `$fw/name`, `$fw/version`,
 * `$implementation`), node attributes (`$name`, `$type`, `$properties`), property attributes
 * (`$name`, `$datatype`, `$unit`, `$format` for enums, `$settable=false`, `$retained=true`), the
 * values, and `$state=ready` last. All retained, QoS 1. Never an empty payload: on a retained
 * topic it would delete the value instead of publishing it (values without one are left out).
 */
export function homieDevice(snapshot: MeterSnapshot, opts: HomieOptions = {}): MqttMessage[] {
  const layout = homieLayout(snapshot, opts);
  const b = layout.base;
  const out: MqttMessage[] = [
    retained(`${b}/$state`, 'init'),
    retained(`${b}/$homie`, HOMIE_VERSION),
    retained(`${b}/$name`, opts.name?.(snapshot.meter) ?? meterDisplayName(snapshot.meter)),
    retained(`${b}/$nodes`, layout.nodes.map((n) => n.id).join(',')),
    retained(`${b}/$extensions`, HOMIE_EXTENSIONS),
    retained(`${b}/$localip`, opts.host?.localIp ?? '127.0.0.1'),
    retained(`${b}/$mac`, (opts.host?.mac ?? '00:00:00:00:00:00').toUpperCase()),
    retained(`${b}/$fw/name`, HOMIE_FIRMWARE_NAME),
    retained(`${b}/$fw/version`, opts.firmwareVersion ?? '0.0.0'),
    retained(`${b}/$implementation`, opts.implementation ?? 'smart-meter-interop'),
  ];
  for (const node of layout.nodes) {
    const n = `${b}/${node.id}`;
    out.push(retained(`${n}/$name`, node.name), retained(`${n}/$type`, node.type), retained(`${n}/$properties`, node.properties.map((p) => p.id).join(',')));
    for (const { id, reading } of node.properties) {
      const p = `${n}/${id}`;
      const unit = homieUnit(reading);
      const format = homieFormat(reading);
      out.push(
        retained(`${p}/$name`, reading.name),
        retained(`${p}/$datatype`, homieDatatype(reading)),
        ...(unit === undefined ? [] : [retained(`${p}/$unit`, unit)]),
        ...(format === undefined ? [] : [retained(`${p}/$format`, format)]),
        retained(`${p}/$settable`, 'false'),
        retained(`${p}/$retained`, 'true'),
      );
    }
  }
  out.push(...valueMessages(layout), retained(`${b}/$state`, 'ready'));
  return out.filter((m) => m.payload !== '');
}

/** Value-only update for a device already announced with the same readings (same topics as `homieDevice`). */
export function homieValues(snapshot: MeterSnapshot, opts: HomieOptions = {}): MqttMessage[] {
  return valueMessages(homieLayout(snapshot, opts));
}

/**
 * The MQTT last will for a device: `$state=lost`, retained. An MQTT connection carries one will,
 * so a gateway that serves several meters over one connection can arm it for one device only:
 * use one connection per Homie device, or accept that the other devices keep `ready` after a
 * crash (the HA availability topics still turn `offline` via the gateway's own will).
 */
export function homieLastWill(deviceId: string, root?: string): MqttMessage {
  return retained(`${homieBase(deviceId, root)}/$state`, 'lost');
}

/** Sent before a clean disconnect: `$state=disconnected`, retained. */
export function homieDisconnect(deviceId: string, root?: string): MqttMessage {
  return retained(`${homieBase(deviceId, root)}/$state`, 'disconnected');
}
