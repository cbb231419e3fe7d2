import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the pipeline project, `scripts/` and the working directory of child processes. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
