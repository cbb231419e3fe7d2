import type { ColumnProperties } from '../project/properties.js';
import type { Materialization } from '../graph/node-config.js';
import type { ProjectIssue } from '../project/project-issue.js';

const CONSTRAINTS = ['not_null', 'unique', 'primary_key', 'check', 'foreign_key', 'custom'];

/**
 * An enforced contract must say what it enforces: every column with a `data_type`, on a model
 * that is built (an ephemeral model has no table to check). Reports, with the model and its file.
 */
export function checkContract(
  name: string,
  file: string,
  materialized: Materialization,
  columns: readonly ColumnProperties[],
  issues: ProjectIssue[],
): void {
  const report = (message: string): void =>
    void issues.push({ file, message: `model "${name}": contract enforced, but ${message}` });
  if (materialized === 'ephemeral') return report('an ephemeral model has no table to hold to it');
  if (columns.length === 0)
    return report('no columns are declared under the model in properties YAML');
  const untyped = columns.filter((column) => column.dataType === undefined);
  if (untyped.length > 0)
    report(`column(s) ${untyped.map((c) => c.name).join(', ')} have no data_type`);
  for (const column of columns) {
    for (const constraint of column.constraints ?? []) {
      if (!CONSTRAINTS.includes(constraint.type))
        report(`column ${column.name} has an unknown constraint type "${constraint.type}"`);
      else if (constraint.type === 'check' && !constraint.expression)
        report(`the check constraint on column ${column.name} has no expression`);
    }
  }
}
