import { Environment, Template } from 'nunjucks';
import { usedFilters } from './filter-check';
import { BUILT_IN_FILTERS } from './filters';
import { nativeTemplate, type NativeRender } from './native-presets';
import { ok, templateFailure, type TemplateResult } from './result';

function hasFilter(env: Environment, name: string): boolean {
  try {
    return typeof env.getFilter(name) === 'function';
  } catch {
    return false;
  }
}

/** A template compiled once and rendered per snapshot. */
export interface CompiledTemplate {
  readonly name: string;
  readonly source: string;
  /** @internal nunjucks' compiled form. */
  readonly template: Template;
  /**
   * @internal The same rendering done natively from the snapshot, for the templates of the
   * built-in presets (see native-presets.ts); used by `renderSnapshot`, never by `render`.
   */
  readonly native?: NativeRender;
}

export interface TemplateEngineOptions {
  /** Extra filters, or replacements of built-in ones, by name. */
  readonly filters?: Readonly<Record<string, (...args: never[]) => unknown>>;
  /** Extra global variables and functions. There is no clock: pass times in through the context. */
  readonly globals?: Readonly<Record<string, unknown>>;
}

export interface TemplateEngine {
  /**
   * Compiles a template. The same (source, name) pair compiles once and is cached; a syntax error
   * or an unknown filter is a `syntax` error value naming the template.
   */
  compile(template: string, name: string): TemplateResult<CompiledTemplate>;
  /** Renders; a failure at render time (calling something undefined…) is a `render` error value. */
  render(compiled: CompiledTemplate, context: object): TemplateResult<string>;
}

/**
 * A nunjucks environment for MQTT payloads: autoescape off (payloads are not HTML), undefined
 * variables render empty (`throwOnUndefined` off), no loader (no `include` / `extends` from
 * disk), SMI's filters (`json`/`dump`, `round`, `topic_id`, `homie_id`, `obis_slug`, `iso`,
 * `epoch`, `merge`, `bare`) on top of nunjucks' built-ins.
 */
export function createTemplateEngine(opts: TemplateEngineOptions = {}): TemplateEngine {
  const env = new Environment(null, { autoescape: false, throwOnUndefined: false });
  for (const [name, filter] of Object.entries({ ...BUILT_IN_FILTERS, ...opts.filters })) {
    env.addFilter(name, filter as (...args: unknown[]) => unknown);
  }
  for (const [name, value] of Object.entries(opts.globals ?? {})) env.addGlobal(name, value);
  const cache = new Map<string, CompiledTemplate>();
  const replacedFilters = new Set(Object.keys(opts.filters ?? {}));
  const globalNames = new Set(Object.keys(opts.globals ?? {}));

  return {
    compile(source, name) {
      const key = `${name}\u0000${source}`;
      const cached = cache.get(key);
      if (cached) return ok(cached);
      let template: Template;
      try {
        template = new Template(source, env, name, true);
      } catch (cause) {
        return templateFailure('syntax', name, cause);
      }
      const unknown = usedFilters(source).filter((f) => !hasFilter(env, f));
      if (unknown.length > 0) return templateFailure('syntax', name, `unknown filter ${unknown.map((f) => `"${f}"`).join(', ')}`);
      const native = nativeTemplate(source, replacedFilters, globalNames);
      const compiled: CompiledTemplate = native === undefined ? { name, source, template } : { name, source, template, native };
      cache.set(key, compiled);
      return ok(compiled);
    },
    render(compiled, context) {
      try {
        return ok(compiled.template.render(context));
      } catch (cause) {
        return templateFailure('render', compiled.name, cause);
      }
    },
  };
}
