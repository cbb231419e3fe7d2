import { UserError } from '../../base/errors/user-error.js';

/** One problem found while loading or compiling a project: the file, the line when known, the message. */
export interface ProjectIssue {
  /** Path relative to the project directory, e.g. `models/silver/events.sql`. */
  readonly file: string;
  /** 1-based line number, when the problem has one. */
  readonly line?: number;
  readonly message: string;
}

/** Formats an issue as `file:line: message`. */
export function formatIssue(issue: ProjectIssue): string {
  return `${issue.file}${issue.line !== undefined ? `:${issue.line}` : ''}: ${issue.message}`;
}

/**
 * Every problem of a project, reported together before anything runs (exit code 2).
 * `issues` keeps them for callers that want to show them their own way.
 */
export class ProjectError extends UserError {
  constructor(readonly issues: readonly ProjectIssue[]) {
    super(
      issues.length === 1
        ? formatIssue(issues[0]!)
        : `${issues.length} problems in the project:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`,
      2,
    );
    this.name = 'ProjectError';
  }
}
