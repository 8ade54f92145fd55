import { parse } from 'nunjucks/src/parser';

/**
 * Filter names a template uses. nunjucks looks filters up only at render time, so a typo in a
 * user's YAML template (`| rond(1)`) would surface on the first snapshot; listing them from the
 * parse tree lets `compile` report it at configuration time. Walks nunjucks' AST (`Filter` nodes
 * carry `name.value`); returns an empty list if the tree has another shape than nunjucks 3.x's.
 */
export function usedFilters(source: string): string[] {
  const names = new Set<string>();
  const seen = new Set<object>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const n = node as { typename?: unknown; name?: { value?: unknown }; fields?: unknown; children?: unknown };
    if ((n.typename === 'Filter' || n.typename === 'FilterAsync') && typeof n.name?.value === 'string') names.add(n.name.value);
    if (Array.isArray(n.fields)) {
      for (const field of n.fields) if (typeof field === 'string') walk((node as Record<string, unknown>)[field]);
    }
    walk(n.children);
  };
  try {
    walk(parse(source));
  } catch {
    return [];
  }
  return [...names];
}
