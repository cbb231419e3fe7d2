import { basename } from 'node:path';
import type { TestNode } from '../graph/graph-node.js';
import { buildNode } from './build-node.js';
import { renderCapture, startCapture } from './config-capture.js';
import type { Dependencies } from './dependencies.js';
import type { ParseSession } from './parse-session.js';
import { resolveTestConfig, testConfigDefaults } from './test-config.js';

/** The singular tests: `tests/**\/*.sql`, each a query whose rows are failures, named after its file. */
export function parseSingularTests(session: ParseSession, dependencies: Dependencies): void {
  for (const file of session.project.singularTests) {
    const template = session.compileTemplate(file.text, file.path);
    if (!template) continue;
    const capture = startCapture(testConfigDefaults(session.project, file.path));
    if (!renderCapture(session, template, file.path, capture)) continue;
    const name = session.claimTestName(basename(file.path, '.sql'));
    const { config } = capture;
    if (config['enabled'] === false) continue;
    if (config['new_rows_by'] !== undefined) {
      session.issues.push({
        file: file.path,
        message: `test "${name}": new_rows_by is for generic tests declared on one model or source, not singular tests`,
      });
      continue;
    }
    const node = buildNode<TestNode>(session, {
      resourceType: 'test',
      name,
      path: file.path,
      config,
      resolved: resolveTestConfig(config),
      dependsOn: dependencies.resolve(capture, `test "${name}"`, file.path),
      rawCode: file.text,
      test: { kind: 'singular' },
      template,
    });
    session.nodes.set(node.uniqueId, node);
  }
}
