import { Relation } from '../../base/warehouse/relation.js';
import { captureContext } from './config-capture.js';
import type { ParseSession } from './parse-session.js';

/**
 * dbt's default schema naming: a model without `+schema` lives in the target schema (`main`), a
 * model with `+schema: x` in `main_x`. A project macro `generate_schema_name` overrides this.
 */
function generateSchemaName(session: ParseSession, custom: unknown): string {
  if (session.macros.macros.has('generate_schema_name')) {
    const bound = session.macros.bind(captureContext(session));
    const macro = bound['generate_schema_name'] as (...args: unknown[]) => unknown;
    return String(macro(custom ?? null, null)).trim();
  }
  return custom === undefined || custom === null || custom === ''
    ? 'main'
    : `main_${String(custom)}`;
}

/** Where a model or seed named `name` with `config` lives: its `schema` and `alias` (default its name). */
export function relationFor(
  session: ParseSession,
  name: string,
  config: Readonly<Record<string, unknown>>,
): Relation {
  return new Relation(
    generateSchemaName(session, config['schema']),
    String(config['alias'] ?? name),
  );
}
