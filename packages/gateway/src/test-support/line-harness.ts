import { startMosquitto, type Mosquitto } from './mosquitto';
import { MqttRecorder } from './mqtt-recorder';
import { startPtyPair, type PtyPair } from './socat';

/**
 * The parts of an end-to-end test over a serial line: a real Mosquitto, socat pty pairs (the
 * meter's cables) and a recorder subscribed like Home Assistant. Processes the test starts
 * (gateway, simulators) are tracked and stopped first.
 */
export interface LineHarness {
  readonly broker: Mosquitto;
  readonly ptys: readonly PtyPair[];
  /** The first pty pair. */
  readonly pty: PtyPair;
  readonly ha: MqttRecorder;
  track<T extends { stop(): Promise<unknown> }>(process: T): T;
  stop(): Promise<void>;
}

export async function startLineHarness(ptyCount = 1, subscriptions = ['homeassistant/#', 'smi/#']): Promise<LineHarness> {
  const broker = await startMosquitto();
  const ptys = await Promise.all(Array.from({ length: ptyCount }, () => startPtyPair()));
  const ha = await MqttRecorder.connect(broker.url, subscriptions);
  const tracked: { stop(): Promise<unknown> }[] = [];
  return {
    broker,
    ptys,
    pty: ptys[0] as PtyPair,
    ha,
    track: (p) => {
      tracked.push(p);
      return p;
    },
    stop: async () => {
      for (const p of tracked.reverse()) await p.stop();
      await ha.close();
      await Promise.all(ptys.map((p) => p.stop()));
      await broker.stop();
    },
  };
}
