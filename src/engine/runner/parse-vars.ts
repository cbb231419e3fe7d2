import { parse } from 'yaml';
import { UserError } from '../../base/errors/user-error.js';

/** Parses `--vars '<YAML or JSON mapping>'`; anything else is a UserError (exit 2). */
export function parseVars(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new UserError(
      `--vars is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`,
      2,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(
      `--vars must be a mapping such as '{start_date: 2024-01-01}' (got ${JSON.stringify(value)})`,
      2,
    );
  }
  return value as Record<string, unknown>;
}
