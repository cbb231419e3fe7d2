import type nunjucks from 'nunjucks';
import { Relation } from '../../base/warehouse/relation.js';
import { createRenderContext, type RenderHooks } from '../compile/render-context.js';
import { describeTemplateError } from '../compile/template-error.js';
import { mergeConfig } from '../project/folder-config.js';
import type { ParseSession } from './parse-session.js';

/** What a template asked for while rendered in the parse pass: its refs, sources and config. */
export interface Capture {
  /** Each ref: the name, and the package of a two-argument `ref('package', 'name')`. */
  readonly refs: { readonly name: string; readonly packageName?: string }[];
  readonly sources: [string, string][];
  /** The config so far: the defaults it started with, merged with every `config(...)` call. */
  config: Record<string, unknown>;
  /** The installed package of the node rendered; undefined for the root project's. */
  readonly packageName?: string;
}

/** A capture starting from `config` (project and YAML config, or a test's defaults). */
export function startCapture(config: Record<string, unknown> = {}, packageName?: string): Capture {
  return { refs: [], sources: [], config, ...(packageName ? { packageName } : {}) };
}

/**
 * The parse pass's render hooks: `ref` and `source` record the dependency and resolve to what is
 * known so far (a placeholder in the target schema for a name not known yet), `config(...)` merges into the
 * capture, and `is_incremental()` is false, as in dbt's parse.
 */
function captureHooks(session: ParseSession, capture: Capture): RenderHooks {
  return {
    mode: 'parse',
    ref: (name, packageName) => {
      capture.refs.push({ name, ...(packageName === undefined ? {} : { packageName }) });
      return (
        session.refRelations.find(name, capture.packageName, packageName) ??
        new Relation(session.target.schema, name)
      );
    },
    source: (sourceName, tableName) => {
      capture.sources.push([sourceName, tableName]);
      return (
        session.sources.find(`${sourceName}.${tableName}`, capture.packageName)?.relation ??
        new Relation(session.target.schema, tableName)
      );
    },
    config: (values) => {
      capture.config = mergeConfig(capture.config, values);
    },
    currentConfig: () => capture.config,
    isIncremental: () => false,
  };
}

/** A parse-pass render context recording into `capture` (a throwaway one when not given). */
export function captureContext(
  session: ParseSession,
  capture: Capture = startCapture(),
  self?: Relation,
  extra?: Record<string, unknown>,
): Record<string, unknown> {
  return createRenderContext(captureHooks(session, capture), {
    projectName: session.projectName,
    vars: (capture.packageName && session.packageVars.get(capture.packageName)) || session.vars,
    self,
    fullRefresh: session.fullRefresh,
    runStartedAt: session.runStartedAt,
    invocationId: session.invocationId,
    target: session.target,
    extra,
  });
}

/**
 * Renders `template` (with the project's macros) to learn its refs, sources and config; reports a
 * render error with its file and line and returns false.
 */
export function renderCapture(
  session: ParseSession,
  template: nunjucks.Template,
  file: string,
  capture: Capture,
  self?: Relation,
  extra?: Record<string, unknown>,
): boolean {
  try {
    const context = captureContext(session, capture, self, extra);
    template.render({ ...context, ...session.macros.bind(context, capture.packageName) });
    return true;
  } catch (error) {
    const problem = describeTemplateError(error);
    session.issues.push({ file, line: problem.line, message: problem.message });
    return false;
  }
}
