/** Applying a saved configuration restarts only the meters whose settings changed. */
import type { MeterConfig } from './config/schema';
import { validateConfig } from './config/load';
import { MeterSet } from './meter-set';
import type { MeterPipeline } from './pipeline';

function meters(doc: unknown[]): MeterConfig[] {
  const r = validateConfig({ meters: doc });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config.meters;
}

const sim = (name: string, intervalMs = 1000): unknown => ({ name, transport: { type: 'simulator', intervalMs } });

describe('MeterSet', () => {
  it('keeps unchanged meters running, restarts changed ones, stops removed ones and starts new ones', async () => {
    const log: string[] = [];
    const create = (m: MeterConfig, name: string): MeterPipeline =>
      ({
        name,
        meterIds: new Set([`id-${name}`]),
        start: () => log.push(`start ${name} ${m.transport.type === 'simulator' ? m.transport.intervalMs : ''}`),
        stop: async () => {
          log.push(`stop ${name}`);
        },
      }) as unknown as MeterPipeline;
    const stopped: string[] = [];
    const set = new MeterSet(create, (ids) => stopped.push(...ids));
    set.load(meters([sim('a'), sim('b'), sim('c')]));
    set.start();
    expect(log.splice(0)).toEqual(['start a 1000', 'start b 1000', 'start c 1000']);
    const changes = await set.apply(meters([sim('a'), sim('c', 2000), sim('d')]));
    expect(changes).toEqual({ added: ['d'], removed: ['b'], restarted: ['c'], unchanged: ['a'] });
    expect(log).toEqual(['stop b', 'stop c', 'start c 2000', 'start d 1000']);
    expect(stopped).toEqual(['id-b', 'id-c']);
    expect(set.configured().map((m) => m.name)).toEqual(['a', 'c', 'd']);
    expect(set.pipelines.map((p) => p.name)).toEqual(['a', 'c', 'd']);
  });
});
