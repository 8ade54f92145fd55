/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Form fields generated from the configuration's JSON Schema (`smi config-schema`): the schema
 * decides the input (select for enums and literal unions, number, checkbox, text, password for
 * secrets), the label and the hint; values are written into a plain document at their path.
 */
import { h, type Child } from './dom';

export interface JsonSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly enum?: readonly (string | number)[];
  readonly const?: string | number;
  readonly default?: unknown;
  readonly description?: string;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly items?: JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
}

export type Path = readonly (string | number)[];
type Doc = Record<string, unknown>;

export interface FormContext {
  /** Writes a value (undefined: removes it) and tells whether the form must be drawn again. */
  set(path: Path, value: unknown, redraw: boolean): void;
}

export function getAt(doc: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), doc);
}

export function setAt(doc: Doc, path: Path, value: unknown): void {
  let v: Record<string | number, unknown> = doc;
  for (const k of path.slice(0, -1)) {
    const next = v[k];
    if (next === null || typeof next !== 'object') v[k] = {};
    v = v[k] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete v[last];
  else v[last] = value;
}

/** The DOM id of the input for a path (`meters.0.key` → `f-meters-0-key`). */
export function fieldId(path: Path | string): string {
  return 'f-' + (typeof path === 'string' ? path.split('.') : path).join('-');
}

function label(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function isSecretRef(v: unknown): v is { $secret: string } {
  return v !== null && typeof v === 'object' && typeof (v as { $secret?: unknown }).$secret === 'string';
}

const isSecret = (s: JsonSchema): boolean => /\(secret\b/i.test(s.description ?? '');

function variants(s: JsonSchema): JsonSchema[] | undefined {
  const list = s.oneOf ?? s.anyOf;
  return list?.every((v) => v.properties?.['type']?.const !== undefined) ? [...list] : undefined;
}

function literalChoices(s: JsonSchema): (string | number)[] | undefined {
  if (s.enum) return [...s.enum];
  const list = s.anyOf ?? s.oneOf;
  return list?.every((v) => v.const !== undefined) ? list.map((v) => v.const as string | number) : undefined;
}

function wrap(path: Path, key: string, s: JsonSchema, input: HTMLElement, required: boolean): HTMLElement {
  const hint = [s.description, s.default !== undefined ? `default ${JSON.stringify(s.default)}` : undefined].filter(Boolean).join(' · ');
  return h(
    'div',
    { class: 'field' },
    h('label', { for: fieldId(path) }, label(key), required ? ' *' : ''),
    input,
    hint ? h('span', { class: 'hint muted' }, hint) : null,
    h('span', { class: 'field-problem problem', id: `${fieldId(path)}-problem`, 'aria-live': 'polite' }),
  );
}

/** The fields of an object schema at a path of the document. */
export function objectFields(schema: JsonSchema, doc: Doc, path: Path, ctx: FormContext, secretKeys: ReadonlySet<string> = new Set()): Child[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, s]) => field(key, s, doc, [...path, key], ctx, required.has(key), secretKeys));
}

/** One field; objects become collapsible sections, discriminated unions a type select plus fields. */
export function field(
  key: string,
  s: JsonSchema,
  doc: Doc,
  path: Path,
  ctx: FormContext,
  required: boolean,
  secretKeys: ReadonlySet<string> = new Set(),
): HTMLElement {
  const value = getAt(doc, path);
  const id = fieldId(path);
  const union = variants(s);
  if (union) {
    const current = (value as Doc | undefined)?.['type'];
    const chosen = union.find((v) => v.properties?.['type']?.const === current) ?? union[0];
    const select = h(
      'select',
      { id, onchange: () => ctx.set(path, { type: select.value }, true) },
      ...union.map((v) => h('option', { value: String(v.properties?.['type']?.const), selected: v === chosen }, String(v.properties?.['type']?.const))),
    );
    const rest = { ...chosen, properties: Object.fromEntries(Object.entries(chosen?.properties ?? {}).filter(([k]) => k !== 'type')) };
    return h(
      'fieldset',
      { class: 'group' },
      h('legend', {}, label(key)),
      wrap(path, 'type', {}, select, true),
      ...objectFields(rest, doc, path, ctx, secretKeys),
    );
  }
  if (s.type === 'object' && s.properties) {
    return h(
      'details',
      { class: 'group', open: value !== undefined },
      h('summary', {}, label(key), s.description ? h('span', { class: 'muted' }, ` — ${s.description}`) : null),
      ...objectFields(s, doc, path, ctx, secretKeys),
    );
  }
  const choices = literalChoices(s);
  if (choices) {
    const select = h(
      'select',
      { id, onchange: () => ctx.set(path, select.value === '' ? undefined : choices.find((c) => String(c) === select.value), false) },
      required && s.default === undefined ? null : h('option', { value: '' }, s.default !== undefined ? `default (${String(s.default)})` : '—'),
      ...choices.map((c) => h('option', { value: String(c), selected: value === c }, String(c))),
    );
    return wrap(path, key, s, select, required);
  }
  if (s.type === 'boolean') {
    const box = h('input', {
      id,
      type: 'checkbox',
      checked: value === undefined ? s.default === true : value === true,
      onchange: () => ctx.set(path, box.checked, false),
    });
    return wrap(path, key, s, box, required);
  }
  if (s.type === 'integer' || s.type === 'number') {
    const input = h('input', {
      id,
      type: 'number',
      inputmode: 'numeric',
      value: typeof value === 'number' ? value : undefined,
      placeholder: s.default !== undefined ? String(s.default) : undefined,
      min: s.minimum,
      max: s.maximum !== undefined && s.maximum < 1e15 ? s.maximum : undefined,
    });
    input.addEventListener('input', () => ctx.set(path, input.value === '' ? undefined : Number(input.value), false));
    return wrap(path, key, s, input, required);
  }
  if (s.type === 'array' && s.items?.type === 'string') {
    const input = h('input', {
      id,
      type: 'text',
      value: Array.isArray(value) ? value.join(', ') : undefined,
      placeholder: Array.isArray(s.default) ? s.default.join(', ') : 'comma-separated',
    });
    input.addEventListener('input', () => {
      const items = input.value
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      ctx.set(path, items.length ? items : undefined, false);
    });
    return wrap(path, key, s, input, required);
  }
  if (s.type === 'string') {
    const secret = isSecret(s) || secretKeys.has(key);
    const input = h('input', {
      id,
      type: secret ? 'password' : 'text',
      autocomplete: secret ? 'new-password' : 'off',
      value: typeof value === 'string' && !secret ? value : undefined,
      placeholder: isSecretRef(value)
        ? 'set (type to replace)'
        : secret && typeof value === 'string' && value !== ''
          ? 'entered (type to replace)'
          : s.default !== undefined
            ? String(s.default)
            : undefined,
    });
    const kept = value;
    input.addEventListener('input', () => ctx.set(path, input.value === '' ? (isSecretRef(kept) ? kept : undefined) : input.value, false));
    return wrap(path, key, s, input, required);
  }
  return h('p', { class: 'muted' }, `${label(key)}: edit in the configuration file`);
}
