import { z } from 'zod';
import { configSchema } from './schema';

/** The configuration's JSON Schema (for editors, the web UI form and the docs). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
