import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { printError, printInfo } from '../../../base/console/console.js';
import { isCompleteInput } from './split-statements.js';
import type { SqlSession } from './sql-session.js';

/** Lines of history kept (default 1000). */
export const HISTORY_SIZE = 1000;

/**
 * The prompt's history file: `DEDUP_WAREHOUSE_HISTORY` when set (empty string disables
 * history), else `~/.dedup_warehouse_history`.
 */
export function defaultHistoryPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env['DEDUP_WAREHOUSE_HISTORY'];
  if (chosen !== undefined) return chosen === '' ? null : chosen;
  return join(homedir(), '.dedup_warehouse_history');
}

export interface SqlPromptOptions {
  /** Input stream (default `process.stdin`). Tests pass a scripted stream. */
  input?: Readable;
  /** Where the prompt is drawn (default `process.stdout` when stdin is a terminal, else nothing). */
  output?: Writable;
  /** True to use terminal features (editing, history keys); default: `input.isTTY`. */
  terminal?: boolean;
  /** History file; `null` disables it. Default {@link defaultHistoryPath}. */
  historyPath?: string | null;
}

/** True when the prompt reads a terminal (a person typing), false for piped input (a script). */
export function isTerminalPrompt(options: SqlPromptOptions = {}): boolean {
  const input = options.input ?? process.stdin;
  return options.terminal ?? Boolean((input as { isTTY?: boolean }).isTTY);
}

/**
 * Runs the interactive prompt until `.quit`, `.exit` or end of input (Ctrl-D). Input collects
 * lines until a `;` ends the statement outside quotes and comments, then runs it; a line
 * starting with `.` (with nothing collected yet) is a dot-command. SQL errors are printed and the
 * prompt goes on. Ctrl-C interrupts a running query, or clears the statement being typed.
 * Returns the number of failed statements.
 */
export async function runSqlPrompt(
  session: SqlSession,
  options: SqlPromptOptions = {},
): Promise<number> {
  const input = options.input ?? process.stdin;
  const terminal = isTerminalPrompt(options);
  const output = options.output ?? (terminal ? process.stdout : undefined);
  const historyPath =
    options.historyPath === undefined ? defaultHistoryPath() : options.historyPath;
  const history = terminal && historyPath ? loadHistory(historyPath) : [];

  const rl = createInterface({
    input,
    output,
    terminal,
    history,
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  let buffer = '';
  let failures = 0;
  let running = false;
  const prompt = (): void => {
    rl.setPrompt(buffer === '' ? 'warehouse> ' : '      ...> ');
    rl.prompt();
  };
  // Lines and Ctrl-C go through one queue, so that a Ctrl-C typed after a line (even before that
  // line was handled) clears that line and not only what came before it. A Ctrl-C while a
  // statement runs interrupts it at once.
  const events = new PromptEvents(rl);
  rl.on('SIGINT', () => {
    if (running) session.interrupt();
    else events.push({ kind: 'interrupt' });
  });
  if (terminal) printInfo('Connected. Type .help for commands; end statements with ;');
  prompt();
  try {
    for (;;) {
      const event = await events.next();
      if (event.kind === 'end') break;
      if (event.kind === 'interrupt') {
        if (buffer === '') printInfo('(type .quit or press Ctrl-D to leave)');
        buffer = '';
        if (output) output.write('\n');
      } else if (buffer === '' && event.line.trim().startsWith('.')) {
        const outcome = await session.runCommand(event.line);
        if (outcome === 'quit') break;
      } else if (buffer !== '' || event.line.trim() !== '') {
        buffer += buffer === '' ? event.line : `\n${event.line}`;
        if (isCompleteInput(buffer)) {
          const script = buffer;
          buffer = '';
          if (terminal) keepStatementAsOneEntry(rl, script);
          running = true;
          try {
            if (!(await session.runScript(script))) failures++;
          } finally {
            running = false;
          }
        }
      }
      prompt();
    }
    if (buffer.trim() !== '')
      printError('Input ended inside a statement (missing ;); it was not run.');
  } finally {
    rl.close();
    if (terminal && historyPath)
      saveHistory(historyPath, (rl as unknown as { history: string[] }).history);
  }
  return failures;
}

type PromptEvent = { kind: 'line'; line: string } | { kind: 'interrupt' } | { kind: 'end' };

/** Lines read from a readline interface, Ctrl-Cs and the end of input, in the order they came. */
class PromptEvents {
  /** Input is paused while this many events wait (a long script piped in is not read at once). */
  static readonly HIGH_WATER = 1000;
  readonly #queue: PromptEvent[] = [];
  readonly #rl: Interface;
  #wake: (() => void) | undefined;
  #paused = false;

  constructor(rl: Interface) {
    this.#rl = rl;
    rl.on('line', (line: string) => this.push({ kind: 'line', line }));
    rl.on('close', () => this.push({ kind: 'end' }));
  }

  push(event: PromptEvent): void {
    this.#queue.push(event);
    if (this.#queue.length >= PromptEvents.HIGH_WATER && !this.#paused) {
      this.#paused = true;
      this.#rl.pause();
    }
    this.#wake?.();
    this.#wake = undefined;
  }

  async next(): Promise<PromptEvent> {
    while (this.#queue.length === 0) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    if (this.#paused && this.#queue.length < PromptEvents.HIGH_WATER / 2) {
      this.#paused = false;
      this.#rl.resume();
    }
    return this.#queue.shift()!;
  }
}

/**
 * readline keeps each typed line as a history entry; a statement typed over several lines is
 * kept instead as one entry, its lines joined by spaces, so that the up arrow brings back the
 * whole statement (as the DuckDB shell does). A statement with a `--` comment keeps its lines:
 * joined, the comment would swallow the rest.
 */
function keepStatementAsOneEntry(rl: Interface, statement: string): void {
  const lines = statement.split('\n').filter((line) => line.trim() !== '');
  if (lines.length < 2 || statement.includes('--')) return;
  const history = (rl as unknown as { history?: string[] }).history;
  if (!history) return;
  const typed = history.slice(0, lines.length).reverse(); // newest first
  if (typed.join('\n') !== lines.join('\n')) return; // not what readline recorded: leave it
  history.splice(0, lines.length, lines.map((line) => line.trim()).join(' '));
}

function loadHistory(path: string): string[] {
  if (!existsSync(path)) return [];
  try {
    // readline keeps the newest entry first.
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

function saveHistory(path: string, history: readonly string[] | undefined): void {
  if (!history) return;
  try {
    writeFileSync(path, `${[...history].reverse().join('\n')}\n`);
  } catch (cause) {
    printInfo(`Could not save the prompt history to ${path}: ${(cause as Error).message}`);
  }
}
