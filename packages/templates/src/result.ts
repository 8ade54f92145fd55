/** Why a template failed: `syntax` at compile time, `render` while rendering (e.g. calling an undefined function). */
export type TemplateErrorKind = 'syntax' | 'render';

export interface TemplateError {
  readonly kind: TemplateErrorKind;
  /** The name given at compile time (`presets.my-preset.messages[0].payload`, a config path…). */
  readonly template: string;
  /** `template "<name>": <nunjucks message>`, fit for a log line or the config UI. */
  readonly message: string;
}

export type TemplateResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: TemplateError };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function templateFailure(kind: TemplateErrorKind, template: string, cause: unknown): { readonly ok: false; readonly error: TemplateError } {
  return { ok: false, error: { kind, template, message: `template "${template}": ${nunjucksMessage(cause)}` } };
}

/**
 * nunjucks prefixes its messages with `(<path>)` and a newline and sometimes `Error: `; keep the
 * informative rest (`expected variable end`, `[Line 1, Column 4] unexpected token`).
 */
function nunjucksMessage(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length > 1 && /^\(.*\)( \[Line \d+, Column \d+\])?$/.test(lines[0] ?? '')) {
    const position = /\[Line \d+, Column \d+\]/.exec(lines[0] ?? '')?.[0];
    const rest = lines
      .slice(1)
      .join(' ')
      .replace(/^Error: /, '');
    return position === undefined ? rest : `${position} ${rest}`;
  }
  return lines.join(' ').replace(/^Error: /, '');
}
