import type { UnitTestNode } from '../graph/graph-node.js';
import type { UnitTestProperties } from '../project/properties.js';
import { didYouMean } from '../compile/suggest.js';
import { describeTemplateError } from '../compile/template-error.js';
import { buildNode } from './build-node.js';
import { captureContext, startCapture } from './config-capture.js';
import type { Dependencies } from './dependencies.js';
import type { ParseSession } from './parse-session.js';

/** The `unique_id` a given input stands for, or undefined after reporting why it cannot be read. */
function inputNode(
  session: ParseSession,
  dependencies: Dependencies,
  test: UnitTestProperties,
  modelId: string,
  input: string,
): string | undefined {
  if (input.trim() === 'this') return modelId;
  const report = (message: string): undefined =>
    void session.issues.push({ file: test.file, line: test.line, message });
  const template = session.compileTemplate(`{{ ${input} }}`, test.file);
  if (!template) return undefined;
  const capture = startCapture();
  try {
    template.render(captureContext(session, capture));
  } catch (error) {
    return report(
      `unit test "${test.name}": input ${input}: ${describeTemplateError(error).message}`,
    );
  }
  const ids = dependencies.resolve(capture, `unit test "${test.name}"`, test.file);
  if (ids.length !== 1)
    return ids.length === 0
      ? undefined
      : report(`unit test "${test.name}": input ${input} must name one ref() or source()`);
  return ids[0];
}

/**
 * dbt 1.8's unit tests (`unit_tests:` in properties YAML): each names its model, gives rows for
 * the model's inputs and the rows it expects. Every input the model reads must be given (the test
 * would otherwise read the warehouse, and pass or fail by what happens to be there); an unknown
 * model or input is reported with the file and line.
 */
export function parseUnitTests(session: ParseSession, dependencies: Dependencies): void {
  for (const test of session.project.properties.unitTests) {
    if (test.config['enabled'] === false) continue;
    const report = (message: string): void =>
      void session.issues.push({ file: test.file, line: test.line, message });
    const modelId = session.uniqueId('model', test.model);
    const model = session.nodes.get(modelId);
    if (model?.resourceType !== 'model') {
      report(
        `unit test "${test.name}" tests unknown model "${test.model}".${didYouMean(test.model, dependencies.names())}`,
      );
      continue;
    }
    const given: { node: string; rows: UnitTestProperties['given'][number]['rows'] }[] = [];
    for (const input of test.given) {
      const node = inputNode(session, dependencies, test, modelId, input.input);
      if (node === undefined) continue;
      given.push({ node, rows: input.rows });
    }
    if (given.length !== test.given.length) continue;
    const missing = model.dependsOn.filter((id) => !given.some((input) => input.node === id));
    if (missing.length > 0) {
      const names = missing.map((id) => session.nodes.get(id)?.name ?? id);
      report(
        `unit test "${test.name}": model "${test.model}" also reads ${names.join(', ')}; give rows for every input (given: - input: ref('${names[0]}'))`,
      );
      continue;
    }
    const node = buildNode<UnitTestNode>(session, {
      resourceType: 'unit_test',
      name: test.name,
      idName: `${test.model}.${test.name}`,
      path: test.file,
      config: test.config,
      dependsOn: model.dependsOn,
      description: test.description,
      unitTest: {
        model: modelId,
        given,
        expect: test.expect,
        vars: test.overrides.vars,
        isIncremental: test.overrides.macros['is_incremental'] === true,
        macros: Object.fromEntries(
          Object.entries(test.overrides.macros).filter(([name]) => name !== 'is_incremental'),
        ),
        envVars: test.overrides.envVars,
      },
    });
    session.nodes.set(node.uniqueId, node);
  }
}
