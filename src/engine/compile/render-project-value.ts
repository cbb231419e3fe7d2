import nunjucks from 'nunjucks';
import type { WarehouseTarget } from '../project/profiles.js';
import { envVarFunction, targetContext } from './render-context.js';
import { createTemplateEnvironment } from './template-environment.js';
import { CompilerError, describeTemplateError } from './template-error.js';

/** What the values of `dbt_project.yml` may use: `--vars` and the environment. */
export interface ProjectValueContext {
  /** `--vars` only: dbt renders `dbt_project.yml` before the project's own `vars:` exist. */
  readonly cliVars: Readonly<Record<string, unknown>>;
  readonly projectName?: string;
  /** `target`; undefined while `profiles.yml` itself is rendered (it defines the target). */
  readonly target?: WarehouseTarget;
  readonly env?: NodeJS.ProcessEnv;
}

const SINGLE_EXPRESSION = /^\s*\{\{-?([\s\S]*?)-?\}\}\s*$/;

/**
 * Renders the templated values of `dbt_project.yml` (`+enabled: "{{ var('load', false) }}"`) as
 * dbt does, natively: a value that is one `{{ expression }}` keeps the expression's type, so
 * `false` stays a boolean instead of becoming the truthy string "False"; any other template is
 * rendered as text and read back as a Python literal when it is one (`True`, `3`, `None`).
 */
export function createProjectValueRenderer(
  options: ProjectValueContext,
): (template: string) => unknown {
  const env = createTemplateEnvironment();
  const vars = options.cliVars;
  const environment = options.env ?? process.env;
  const base: Record<string, unknown> = {
    var: (name: unknown, ...rest: unknown[]): unknown => {
      const key = String(name);
      if (Object.hasOwn(vars, key)) return vars[key];
      if (rest.length > 0) return rest[0];
      throw new CompilerError(
        `Required var "${key}" is not set: dbt_project.yml sees only --vars, so pass --vars '{${key}: ...}' or give var() a default`,
      );
    },
    env_var: envVarFunction(environment),
    ...(options.target ? { target: targetContext(options.target) } : {}),
    project_name: options.projectName,
  };
  return (template: string): unknown => {
    try {
      const single = SINGLE_EXPRESSION.exec(template);
      if (single && !single[1]!.includes('}}') && !single[1]!.includes('{{')) {
        const captured: { value?: unknown } = {};
        const capture = (value: unknown): string => {
          captured.value = value;
          return '';
        };
        new nunjucks.Template(
          `{{ __native__((${single[1]!})) }}`,
          env,
          'dbt_project.yml',
          true,
        ).render({
          ...base,
          __native__: capture,
        });
        if (Object.hasOwn(captured, 'value')) return captured.value ?? null;
      }
      return pythonLiteral(
        new nunjucks.Template(template, env, 'dbt_project.yml', true).render(base),
      );
    } catch (error) {
      throw new CompilerError(describeTemplateError(error).message);
    }
  };
}

/** dbt reads a rendered text back with Python's `literal_eval`: the scalar cases of it. */
function pythonLiteral(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'True') return true;
  if (trimmed === 'False') return false;
  if (trimmed === 'None') return null;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}
