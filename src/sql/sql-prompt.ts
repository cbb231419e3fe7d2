import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { printError, printInfo } from '../report/console.js';
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

/**
 * Runs the interactive prompt until `.quit`, `.exit` or end of input (Ctrl-D). Input collects
 * lines until a `;` ends the statement outside quotes and comments, then runs it; a line
 * starting with `.` (with nothing collected yet) is a dot-command. SQL errors are printed and the
 * prompt goes on. Ctrl-C interrupts a running query, or clears the statement being typed. Returns the number of failed statements.
 */
export async function runSqlPrompt(
  session: SqlSession,
  options: SqlPromptOptions = {},
): Promise<number> {
  const input = options.input ?? process.stdin;
  const terminal = options.terminal ?? Boolean((input as { isTTY?: boolean }).isTTY);
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
  rl.on('SIGINT', () => {
    if (running) {
      session.interrupt();
      return;
    }
    if (buffer === '') printInfo('(type .quit or press Ctrl-D to leave)');
    buffer = '';
    if (output) output.write('\n');
    prompt();
  });
  if (terminal) printInfo('Connected. Type .help for commands; end statements with ;');
  prompt();
  try {
    for await (const line of rl) {
      if (buffer === '' && line.trim().startsWith('.')) {
        const outcome = await session.runCommand(line);
        if (outcome === 'quit') break;
      } else if (buffer !== '' || line.trim() !== '') {
        buffer += buffer === '' ? line : `\n${line}`;
        if (isCompleteInput(buffer)) {
          const script = buffer;
          buffer = '';
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
