import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { withWarehouse } from '../../../base/warehouse/open-warehouse.js';
import { generateWarehouseTypes } from './generate-warehouse-types.js';
import { describeTypesDrift } from './warehouse-types-drift.js';

/** Outcome of {@link writeWarehouseTypes}. */
export interface WriteTypesResult {
  /** False when the file already held exactly this text. */
  readonly changed: boolean;
  /** Number of relations typed. */
  readonly relations: number;
}

/**
 * Opens the warehouse read-only, generates its relation types and writes them to `outFile`
 * (only when the text differs, so an unchanged schema leaves the file's timestamp alone).
 */
export async function writeWarehouseTypes(
  dbPath: string,
  outFile: string,
): Promise<WriteTypesResult> {
  const text = await withWarehouse(dbPath, { readOnly: true }, ({ connection }) =>
    generateWarehouseTypes(connection),
  );
  const relations = (text.match(/^export interface (?!WarehouseDatabase\b)/gm) ?? []).length;
  if (existsSync(outFile) && readFileSync(outFile, 'utf8') === text)
    return { changed: false, relations };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
  return { changed: true, relations };
}

/**
 * Compares the checked-in types file with what the warehouse's schema generates now. Returns
 * null when they match, else a message telling the user to run `npm run gen-types`.
 */
export async function staleWarehouseTypesMessage(
  connection: Parameters<typeof generateWarehouseTypes>[0],
  typesFile: string,
): Promise<string | null> {
  const expected = await generateWarehouseTypes(connection);
  const actual = existsSync(typesFile) ? readFileSync(typesFile, 'utf8') : '';
  if (actual === expected) return null;
  const drift =
    actual === '' ? ['the file is missing or empty'] : describeTypesDrift(expected, actual);
  const shown =
    drift.slice(0, 5).join('; ') + (drift.length > 5 ? `; and ${drift.length - 5} more` : '');
  const detail = shown === '' ? 'its text differs from what gen-types writes' : shown;
  return (
    `${typesFile} is out of date with the warehouse schema (${detail}). ` +
    'Run `npm run build-models` then `npm run gen-types`, and commit the result.'
  );
}
