import { QUANTITY_DEFINITIONS, type MeterSnapshot } from '@smi/model';
import { retained, type MqttMessage } from '../common/message';
import { meterDisplayName } from '../common/names';
import { homieBase, homieFormat, homieLayout, homieUnit, homieValue, type HomieLayout } from './layout';
import { HOMIE_VERSION, type HomieOptions } from './types';

function valueMessages(layout: HomieLayout): MqttMessage[] {
  return layout.nodes.flatMap((node) =>
    node.properties.flatMap(({ id, reading }) => {
      const payload = homieValue(reading.value);
      return payload === undefined ? [] : [retained(`${layout.base}/${node.id}/${id}`, payload)];
    }),
  );
}

/**
 * A meter as a Homie 4.0.0 device (platform-conventions §2.3–2.4), in publishing order:
 * `$state=init`, device attributes (`$homie`, `$name`, `$nodes`, `$extensions` (empty: no
 * extensions), `$implementation`), node attributes (`$name`, `$type`, `$properties`), property
 * attributes (`$name`, `$datatype`, `$unit`, `$format` for enums, `$settable=false`,
 * `$retained=true`), the values, and `$state=ready` last. All retained, QoS 1.
 *
 * Note: the empty `$extensions` payload is a zero-length retained message, which brokers store as
 * "no retained message"; controllers that insist on reading it see it only while subscribed.
 */
export function homieDevice(snapshot: MeterSnapshot, opts: HomieOptions = {}): MqttMessage[] {
  const layout = homieLayout(snapshot, opts);
  const b = layout.base;
  const out: MqttMessage[] = [
    retained(`${b}/$state`, 'init'),
    retained(`${b}/$homie`, HOMIE_VERSION),
    retained(`${b}/$name`, opts.name?.(snapshot.meter) ?? meterDisplayName(snapshot.meter)),
    retained(`${b}/$nodes`, layout.nodes.map((n) => n.id).join(',')),
    retained(`${b}/$extensions`, ''),
    retained(`${b}/$implementation`, opts.implementation ?? 'smart-meter-interop'),
  ];
  for (const node of layout.nodes) {
    const n = `${b}/${node.id}`;
    out.push(
      retained(`${n}/$name`, node.name),
      retained(`${n}/$type`, node.type),
      retained(`${n}/$properties`, node.properties.map((p) => p.id).join(',')),
    );
    for (const { id, reading } of node.properties) {
      const p = `${n}/${id}`;
      const unit = homieUnit(reading);
      const format = homieFormat(reading);
      out.push(
        retained(`${p}/$name`, reading.name),
        retained(`${p}/$datatype`, QUANTITY_DEFINITIONS[reading.quantity].homieDatatype),
        ...(unit === undefined ? [] : [retained(`${p}/$unit`, unit)]),
        ...(format === undefined ? [] : [retained(`${p}/$format`, format)]),
        retained(`${p}/$settable`, 'false'),
        retained(`${p}/$retained`, 'true'),
      );
    }
  }
  out.push(...valueMessages(layout), retained(`${b}/$state`, 'ready'));
  return out;
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
