import type { Router } from 'express';
import type { MeterConfig, TransportConfig } from '../config/schema';
import type { WebAuth } from './auth';
import { mountDiagnostics, type DiagnosticsState } from './diagnostics-routes';
import { mountSetup, type SetupState } from './setup-routes';
import { mountSetupTools, type SetupToolsState } from './setup-tools';
import type { UiInfo, UiMeterInfo } from './ui/types';

export interface UiState extends DiagnosticsState, SetupState, SetupToolsState {
  readonly auth: WebAuth;
  /** Configured meters and what the UI shows about them (never a secret). */
  info(): UiInfo;
}

/** Where a meter's bytes come from, in a few words. */
export function describeSource(t: TransportConfig): string {
  switch (t.type) {
    case 'serial':
      return `serial ${t.port} ${t.baudRate} ${t.dataBits}${t.parity[0]?.toUpperCase() ?? 'N'}${t.stopBits}`;
    case 'tcp':
      return `tcp ${t.host}:${t.port}`;
    case 'file':
      return `file ${t.path}`;
    case 'simulator':
      return `simulator (${t.telegrams.join(', ')})`;
  }
}

/** The UI's view of one configured meter: its label, protocol, source, and whether keys are set. */
export function meterInfo(m: MeterConfig, name: string, ids: Iterable<string>): UiMeterInfo {
  return {
    name,
    protocol: m.protocol,
    source: describeSource(m.transport),
    staleAfterSeconds: m.staleAfterSeconds,
    ids: [...ids],
    key: m.key === undefined ? 'unset' : 'set',
    authKey: m.authKey === undefined ? 'unset' : 'set',
  };
}

/** The web UI's routes beside the read-only API: the login (`/api/auth*`) and `/api/ui/*` (diagnostics, setup). */
export function mountUi(router: Router, state: UiState): void {
  state.auth.mount(router);
  router.get('/api/ui/info', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(state.info());
  });
  mountDiagnostics(router, state);
  mountSetup(router, state);
  mountSetupTools(router, state);
}
