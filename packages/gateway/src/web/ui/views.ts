/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mountDiagnostics } from './diagnostics';
import { mountSetup } from './setup';

/** Views besides the dashboard, by their hash name. */
export const extraViews: Record<string, ((main: HTMLElement) => () => void) | undefined> = { diagnostics: mountDiagnostics, setup: mountSetup };

/** Views that show or change configuration: always behind the login. */
export const VIEWS_NEEDING_LOGIN: ReadonlySet<string> = new Set(['setup', 'diagnostics']);
