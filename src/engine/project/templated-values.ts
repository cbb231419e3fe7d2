import { isPair, isScalar, visit, type Document, type LineCounter } from 'yaml';
import { UserError } from '../../base/errors/user-error.js';

/** Renders one templated value of `dbt_project.yml`; throws with a one-line message on failure. */
export type RenderProjectValue = (template: string) => unknown;

const RESOURCE_TREES = new Set(['models', 'seeds', 'snapshots', 'tests', 'data_tests']);
const LATE_HOOKS = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);

/**
 * dbt renders `dbt_project.yml` once, when it is read, except what must wait for a node: the run
 * hooks, `vars:` (rendered where they are used) and the model hooks. Map keys are never rendered.
 */
function rendersAtParse(keys: readonly string[]): boolean {
  const first = keys[0];
  if (first === undefined) return true;
  if (first === 'on-run-start' || first === 'on-run-end' || first === 'query-comment') return false;
  if (first === 'vars') return false;
  if (RESOURCE_TREES.has(first)) {
    return !keys.some((key) => LATE_HOOKS.has(key.replace(/^[+ ]+/, '')));
  }
  return true;
}

/**
 * Renders, in place, every string value of `document` that holds `{{` or `{%` and that dbt
 * renders when it reads the project (and `only` accepts). A failure names the file, the line and the key.
 */
export function renderTemplatedValues(
  document: Document,
  lineCounter: LineCounter,
  label: string,
  render: RenderProjectValue,
  only: (keys: readonly string[]) => boolean = () => true,
): void {
  visit(document, {
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'string') return;
      if (!node.value.includes('{{') && !node.value.includes('{%')) return;
      const keys = path
        .filter(isPair)
        .map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
      if (!rendersAtParse(keys) || !only(keys)) return;
      try {
        node.value = render(node.value);
      } catch (error) {
        const line = node.range ? lineCounter.linePos(node.range[0]).line : undefined;
        const message = error instanceof Error ? error.message : String(error);
        throw new UserError(`${label}${line ? `:${line}` : ''}: ${keys.join('.')}: ${message}`, 2);
      }
    },
  });
}
