import type { Request, Response, Router } from 'express';
import { parse as parseYaml, stringify } from 'yaml';
import type { MeterSnapshot } from '@smi/model';
import { configJsonSchema } from '../config/json-schema';
import { validateConfig } from '../config/load';
import type { Config } from '../config/schema';
import { readConfigDocument, redactSecrets, restoreSecrets, writeConfigAtomically } from '../config/store';
import type { Logger } from '../log';
import { MessageFactory } from '../mqtt/messages';
import { describeProblems } from '../mqtt/template-check';
import type { MeterChanges } from '../meter-set';
import type { WebAuth } from './auth';
import { testMeter } from './meter-test';
import type { UiConfig, UiProblem, UiSaveResult } from './ui/types';

export interface SetupState {
  readonly auth: WebAuth;
  /** The configuration file saves go to; undefined: the gateway runs without one (add-on, defaults). */
  readonly configFile: string | undefined;
  /** The configuration running now. */
  config(): Config;
  /** Applies a saved configuration: restarts changed meters, names sections that need a restart. */
  apply(next: Config): Promise<{ changes: MeterChanges; restartNeeded: string[] }>;
  latest(): MeterSnapshot[];
  readonly log: Logger;
  readonly version: string;
}

/** Splits the loader's `path: problem` lines. */
export function problemsOf(lines: readonly string[]): UiProblem[] {
  return lines.map((l) => {
    const i = l.indexOf(': ');
    return i < 0 ? { path: '', message: l } : { path: l.slice(0, i) === '(root)' ? '' : l.slice(0, i), message: l.slice(i + 2) };
  });
}

function needLogin(auth: WebAuth, req: Request, res: Response): boolean {
  if (auth.isLoggedIn(req)) return false;
  res.status(401).json({ error: 'authentication required' });
  return true;
}

/**
 * Setup's routes: the configuration (read with secrets as references, validated by the one
 * schema, saved atomically and applied), import/export as YAML, Test of a meter, and the
 * template preview rendered from the last real frame.
 */
export function mountSetup(router: Router, state: SetupState): void {
  let schema: unknown;
  const current = (): Record<string, unknown> => (state.configFile ? readConfigDocument(state.configFile) : {});
  /** The submitted document with its secret references resolved, validated like a file at start. */
  const check = (doc: unknown): { doc: Record<string, unknown>; problems: UiProblem[]; config?: Config } => {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { doc: {}, problems: [{ path: '', message: 'must be a mapping of settings' }] };
    const restored = restoreSecrets(doc, current());
    const problems = problemsOf(restored.problems);
    const result = validateConfig(restored.doc, process.env);
    if (!result.ok) problems.push(...problemsOf(result.problems));
    return result.ok && problems.length === 0
      ? { doc: restored.doc as Record<string, unknown>, problems, config: result.config }
      : { doc: restored.doc as Record<string, unknown>, problems };
  };

  router.get('/api/ui/config', (req, res) => {
    if (needLogin(state.auth, req, res)) return;
    schema ??= configJsonSchema();
    const body: UiConfig = { file: state.configFile ?? null, document: redactSecrets(current()), schema };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.post('/api/ui/config/validate', (req, res) => {
    res.json({ problems: check((req.body as { document?: unknown }).document).problems });
  });

  router.put('/api/ui/config', async (req, res) => {
    if (!state.configFile)
      return void res.status(409).json({ error: 'the gateway was started without a configuration file (smi run --config FILE); nothing to save to' });
    const { doc, problems, config } = check((req.body as { document?: unknown }).document);
    if (!config) return void res.json({ saved: false, problems } satisfies UiSaveResult);
    try {
      writeConfigAtomically(state.configFile, doc);
    } catch (e) {
      state.log.error(`web UI: cannot save the configuration to ${state.configFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      return void res.status(500).json({ error: `cannot write ${state.configFile}: ${(e as NodeJS.ErrnoException).code ?? 'error'}; nothing was changed` });
    }
    const { changes, restartNeeded } = await state.apply(config);
    state.log.info(
      `configuration saved from the web UI to ${state.configFile}: meters added ${changes.added.length}, restarted ${changes.restarted.length}, removed ${changes.removed.length}${restartNeeded.length ? `; restart to apply ${restartNeeded.join(', ')}` : ''}`,
    );
    res.json({ saved: true, problems: [], changes, restartNeeded } satisfies UiSaveResult);
  });

  router.get('/api/ui/config/export', (req, res) => {
    if (needLogin(state.auth, req, res)) return;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="smi-config.yaml"');
    res
      .type('text/yaml')
      .send(
        `# Smart Meter Interop ${state.version} configuration, exported from the web UI.\n# Secrets are not exported: {$secret: PATH} keeps the value stored on this gateway when imported here.\n${stringify(redactSecrets(current()))}`,
      );
  });

  router.post('/api/ui/config/import', (req, res) => {
    const text = (req.body as { yaml?: unknown }).yaml;
    if (typeof text !== 'string') return void res.status(400).json({ error: 'yaml missing' });
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      return void res.json({ document: null, problems: [{ path: '', message: `not valid YAML (${(e as Error).message.split('\n')[0] ?? ''})` }] });
    }
    res.json({ document: doc ?? {}, problems: check(doc ?? {}).problems });
  });

  router.post('/api/ui/meters/test', async (req, res) => {
    const body = req.body as { meter?: unknown; seconds?: unknown };
    const restored = restoreSecrets(body.meter, current());
    const parsed = validateConfig({ meters: [restored.doc] }, {});
    const meter = parsed.ok ? parsed.config.meters[0] : undefined;
    if (restored.problems.length || !meter) {
      const problems = [...restored.problems, ...(parsed.ok ? [] : parsed.problems.map((p) => p.replace(/^meters\.0\.?/, '')))];
      return void res.json({ outcome: 'invalid', message: problems.join('; ') });
    }
    const seconds = typeof body.seconds === 'number' && body.seconds > 0 ? body.seconds : 15;
    res.json(await testMeter(meter, seconds * 1000, state.log, state.config().timezone));
  });

  router.post('/api/ui/template/preview', (req, res) => {
    const body = req.body as { output?: unknown; meterId?: unknown };
    const snapshots = state.latest();
    const snapshot = snapshots.find((s) => s.meter.id === body.meterId) ?? snapshots[0];
    if (!snapshot) return void res.json({ error: 'no frame received yet: the preview renders the last real frame' });
    const result = validateConfig({ output: body.output }, {});
    if (!result.ok) return void res.json({ error: result.problems.join('; ') });
    const config = { ...state.config(), output: result.config.output };
    let messages: { topic: string; payload: string }[];
    try {
      // rendered as MQTT would send it; Home Assistant's value templates are checked below
      const render = new MessageFactory({ ...config, homeassistant: { ...config.homeassistant, enabled: false } }, state.version);
      messages = render.stateMessages(snapshot).map((m) => ({ topic: m.topic, payload: m.payload }));
    } catch (e) {
      return void res.json({ error: (e as Error).message });
    }
    let problems: string[];
    try {
      const found = new MessageFactory(config, state.version).valueTemplateProblems(snapshot);
      problems = found.length ? [describeProblems(found)] : [];
    } catch (e) {
      problems = [(e as Error).message];
    }
    res.json({ meterId: snapshot.meter.id, messages, problems });
  });
}
