import { isScalar, isSeq, type LineCounter, type Node as YamlNode, type YAMLSeq } from 'yaml';
import type { ProjectIssue } from './project-issue.js';

/** The plain value of a YAML node, as `toJSON()` gives it. */
export function toJson(node: unknown): unknown {
  return (node as { toJSON(): unknown }).toJSON();
}

/** `value` when it is a mapping, else `{}` (a misplaced scalar or list configures nothing). */
export function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * One properties file being read: it knows the line of each YAML node and collects the problems
 * found, so that every entry can be checked and reported with its line instead of stopping at the
 * first.
 */
export class PropertiesFileReader {
  readonly file: string;
  readonly #lineCounter: LineCounter;
  readonly #issues: ProjectIssue[];

  constructor(file: string, lineCounter: LineCounter, issues: ProjectIssue[]) {
    this.file = file;
    this.#lineCounter = lineCounter;
    this.#issues = issues;
  }

  /** The 1-based line a node starts on, when it has a position. */
  lineOf(node: unknown): number | undefined {
    const range = (node as YamlNode | undefined)?.range;
    return range ? this.#lineCounter.linePos(range[0]).line : undefined;
  }

  /** Records a problem at the line of `node`. */
  report(node: unknown, message: string): void {
    this.#issues.push({ file: this.file, line: this.lineOf(node), message });
  }

  /** A key that must hold a list: absent or empty is fine, anything else is reported (never ignored). */
  listAt(node: unknown, what: string): YAMLSeq | undefined {
    if (isSeq(node)) return node;
    if (node === undefined || node === null || (isScalar(node) && node.value === null)) return;
    this.report(node, `${what} must be a list (got ${JSON.stringify(toJson(node))})`);
    return undefined;
  }
}
