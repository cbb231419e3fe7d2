import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { create as createTar } from 'tar';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { compileProject } from '../src/engine/runner/compile-project.js';
import { installPackages } from '../src/engine/runner/install-packages.js';

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function run(cwd: string, command: string, ...args: string[]): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

/** A macro package with one macro that renders `text`. */
function macroPackage(name: string, macro: string, text: string): Record<string, string> {
  return {
    'dbt_project.yml': `name: ${name}\nversion: '1.0.0'\n`,
    [`macros/${macro}.sql`]: `{% macro ${macro}() %}${text}{% endmacro %}\n`,
  };
}

/**
 * A bare git repository (the "remote") whose history has the package at tag v1 (rendering 'v1'),
 * then a commit on main rendering 'v2'; the package sits in `subdirectory` when given.
 */
function gitRemote(root: string, subdirectory?: string): { url: string; v1: string } {
  const work = join(root, 'work');
  const inner = subdirectory ? join(work, subdirectory) : work;
  mkdirSync(inner, { recursive: true });
  run(work, 'git', 'init', '--quiet', '--initial-branch=main');
  writeTree(inner, macroPackage('gitpkg', 'which', "'v1'"));
  run(work, 'git', 'add', '-A');
  run(work, 'git', 'commit', '--quiet', '-m', 'v1');
  run(work, 'git', 'tag', 'v1');
  const v1 = run(work, 'git', 'rev-parse', 'HEAD');
  writeTree(inner, macroPackage('gitpkg', 'which', "'v2'"));
  run(work, 'git', 'commit', '--quiet', '-am', 'v2');
  const url = join(root, 'remote.git');
  run(root, 'git', 'clone', '--quiet', '--bare', work, url);
  return { url, v1 };
}

function project(dir: string, packagesYml: string, model: string): void {
  writeTree(dir, {
    'dbt_project.yml': 'name: demo\n',
    'packages.yml': packagesYml,
    'models/m.sql': model,
  });
}

function compiledModel(dir: string): string {
  return compileProject({ projectDir: dir, write: false })
    .find((node) => node.name === 'm')!
    .sql.trim();
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** A package hub on loopback: `/api/v1/<owner>/<name>.json` and the tarballs it lists. */
async function hub(files: Record<string, Buffer | string>): Promise<string> {
  const server = createServer((request, response) => {
    const body = files[request.url ?? ''];
    if (body === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200).end(body);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('npm run dbt -- deps', () => {
  it('links a local package, installs a git package at a tag and in a subdirectory, and the project builds with them', async ({
    tempDir,
  }) => {
    const root = tempDir('deps-');
    writeTree(join(root, 'localpkg'), macroPackage('localpkg', 'hello', "'hello'"));
    const remote = gitRemote(join(root, 'git'), 'packages/gitpkg');
    const dir = join(root, 'project');
    project(
      dir,
      `packages:\n  - local: ../localpkg\n  - git: "${remote.url}"\n    revision: v1\n    subdirectory: packages/gitpkg\n`,
      'select {{ localpkg.hello() }} as a, {{ gitpkg.which() }} as b\n',
    );
    const result = await installPackages({ projectDir: dir });
    expect(result.fromLock).toBe(false);
    expect(lstatSync(join(dir, 'dbt_packages/localpkg')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, 'dbt_packages/gitpkg/macros/which.sql'))).toBe(true);
    expect(existsSync(join(dir, 'dbt_packages/gitpkg/.git'))).toBe(false);
    expect(compiledModel(dir)).toBe("select 'hello' as a, 'v1' as b");
    const lock = parseYaml(readFileSync(join(dir, 'package-lock.yml'), 'utf8'));
    expect(lock.packages).toEqual([
      { name: 'localpkg', local: '../localpkg' },
      { name: 'gitpkg', git: remote.url, revision: remote.v1, subdirectory: 'packages/gitpkg' },
    ]);
    expect(lock.sha1_hash).toMatch(/^[0-9a-f]{40}$/);
  });

  it('reinstalls exactly what the lock pins while packages.yml is unchanged; --upgrade and an edited packages.yml resolve again', async ({
    tempDir,
  }) => {
    const root = tempDir('deps-');
    const remote = gitRemote(join(root, 'git'));
    const dir = join(root, 'project');
    project(
      dir,
      `packages:\n  - git: "${remote.url}"\n    revision: v1\n`,
      'select {{ gitpkg.which() }} as b\n',
    );
    await installPackages({ projectDir: dir });
    // The tag moves to the newer commit: the lock still pins the commit installed first.
    run(join(root, 'git', 'work'), 'git', 'tag', '-f', 'v1');
    run(join(root, 'git', 'work'), 'git', 'push', '--quiet', '--force', remote.url, 'v1');
    const again = await installPackages({ projectDir: dir });
    expect(again.fromLock).toBe(true);
    expect(compiledModel(dir)).toBe("select 'v1' as b");
    const upgraded = await installPackages({ projectDir: dir, upgrade: true });
    expect(upgraded.fromLock).toBe(false);
    expect(compiledModel(dir)).toBe("select 'v2' as b");
    writeFileSync(
      join(dir, 'packages.yml'),
      `packages:\n  - git: "${remote.url}"\n    revision: ${remote.v1}\n`,
    );
    expect((await installPackages({ projectDir: dir })).fromLock).toBe(false);
    expect(compiledModel(dir)).toBe("select 'v1' as b");
  });

  it("installs a package's own packages beside it", async ({ tempDir }) => {
    const root = tempDir('deps-');
    writeTree(join(root, 'base'), macroPackage('base', 'one', '1'));
    writeTree(join(root, 'outer'), {
      ...macroPackage('outer', 'two', '{{ base.one() }} + 1'),
      'packages.yml': 'packages:\n  - local: ../base\n',
    });
    const dir = join(root, 'project');
    project(dir, 'packages:\n  - local: ../outer\n', 'select {{ outer.two() }} as n\n');
    const result = await installPackages({ projectDir: dir });
    expect(result.packages.map((p) => p.name)).toEqual(['outer', 'base']);
    expect(compiledModel(dir)).toBe('select 1 + 1 as n');
  });

  it('resolves a hub package to the highest version its ranges allow, from the hub DBT_PACKAGE_HUB_URL names', async ({
    tempDir,
  }) => {
    const root = tempDir('deps-');
    const tarballs: Record<string, Buffer> = {};
    for (const version of ['0.9.0', '1.1.0', '1.2.3', '2.0.0']) {
      const top = join(root, 'src', version, `dbt-hubpkg-${version}`);
      writeTree(top, macroPackage('hubpkg', 'version', `'${version}'`));
      const file = join(root, `${version}.tgz`);
      await createTar({ gzip: true, file, cwd: dirname(top) }, [`dbt-hubpkg-${version}`]);
      tarballs[version] = readFileSync(file);
    }
    let base = '';
    const files: Record<string, Buffer | string> = {};
    base = await hub(files);
    files['/api/v1/acme/hubpkg.json'] = JSON.stringify({
      name: 'hubpkg',
      namespace: 'acme',
      versions: Object.fromEntries(
        Object.keys(tarballs).map((v) => [v, { downloads: { tarball: `${base}/tar/${v}.tgz` } }]),
      ),
    });
    for (const [v, body] of Object.entries(tarballs)) files[`/tar/${v}.tgz`] = body;
    const dir = join(root, 'project');
    project(
      dir,
      'packages:\n  - package: acme/hubpkg\n    version: [">=1.0.0", "<2.0.0"]\n',
      'select {{ hubpkg.version() }} as v\n',
    );
    const env = { ...process.env, DBT_PACKAGE_HUB_URL: base };
    const result = await installPackages({ projectDir: dir, env });
    expect(result.packages).toEqual([{ name: 'hubpkg', package: 'acme/hubpkg', version: '1.2.3' }]);
    expect(compiledModel(dir)).toBe("select '1.2.3' as v");

    writeFileSync(
      join(dir, 'packages.yml'),
      'packages:\n  - package: acme/hubpkg\n    version: [">=3.0.0"]\n',
    );
    await expect(installPackages({ projectDir: dir, env })).rejects.toThrow(
      'packages.yml:2: no version of acme/hubpkg satisfies >=3.0.0 (available: 0.9.0, 1.1.0, 1.2.3, 2.0.0)',
    );
    writeFileSync(
      join(dir, 'packages.yml'),
      'packages:\n  - package: acme/nothing\n    version: 1.0.0\n',
    );
    await expect(installPackages({ projectDir: dir, env })).rejects.toThrow(
      /packages\.yml:2: package acme\/nothing is not on the hub/,
    );
  });

  it('a failed install names the declaration and leaves the packages installed before untouched', async ({
    tempDir,
  }) => {
    const root = tempDir('deps-');
    writeTree(join(root, 'localpkg'), macroPackage('localpkg', 'hello', "'hello'"));
    const remote = gitRemote(join(root, 'git'));
    const dir = join(root, 'project');
    project(dir, 'packages:\n  - local: ../localpkg\n', 'select {{ localpkg.hello() }} as a\n');
    await installPackages({ projectDir: dir });
    writeFileSync(
      join(dir, 'packages.yml'),
      `packages:\n  - local: ../localpkg\n  - git: "${remote.url}"\n    revision: no-such-tag\n`,
    );
    await expect(installPackages({ projectDir: dir })).rejects.toThrow(
      `packages.yml:3: revision no-such-tag of ${remote.url}: no such tag, branch or commit`,
    );
    writeFileSync(join(dir, 'packages.yml'), 'packages:\n  - local: ../missing\n');
    await expect(installPackages({ projectDir: dir })).rejects.toThrow(
      /packages\.yml:2: local package \.\.\/missing does not exist/,
    );
    // A package's own packages.yml is named with the package that declares it.
    writeTree(join(root, 'needy'), {
      ...macroPackage('needy', 'hi', "'hi'"),
      'packages.yml': 'packages:\n  - local: ../nowhere\n',
    });
    writeFileSync(join(dir, 'packages.yml'), 'packages:\n  - local: ../needy\n');
    await expect(installPackages({ projectDir: dir })).rejects.toThrow(
      'package needy, ../needy/packages.yml:2: local package ../nowhere does not exist',
    );
    expect(compiledModel(dir)).toBe("select 'hello' as a");
    expect(
      readdirSync(dir).filter((f) => f.includes('.installing-') || f.includes('.download-')),
    ).toEqual([]);
  });

  it('the CLI prints each package installed and a summary', async ({ tempDir, runScript }) => {
    const root = tempDir('deps-');
    writeTree(join(root, 'localpkg'), macroPackage('localpkg', 'hello', "'hello'"));
    const dir = join(root, 'project');
    project(dir, 'packages:\n  - local: ../localpkg\n', 'select 1 as a\n');
    const result = await runScript('build-models', ['deps', '--project-dir', dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Installed localpkg (local ../localpkg)');
    expect(result.stdout).toContain(
      'Installed 1 package(s) into dbt_packages/; pinned in package-lock.yml.',
    );
    writeFileSync(join(dir, 'packages.yml'), 'packages:\n  - local: ../missing\n');
    const failed = await runScript('build-models', ['deps', '--project-dir', dir]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('packages.yml:2: local package ../missing does not exist');
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });
});
