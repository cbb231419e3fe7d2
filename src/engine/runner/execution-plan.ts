import type { GraphNode } from '../graph/graph-node.js';
import type { NodeStatus } from '../artifacts/node-result.js';

/** Data tests and unit tests run as soon as they are ready, ahead of models. */
function isTest(node: GraphNode): boolean {
  return node.resourceType === 'test' || node.resourceType === 'unit_test';
}

/**
 * The order a run follows, decided one node at a time: a node is ready when everything it reads
 * (and the tests of those upstreams, as in `dbt build`) has finished; among ready nodes tests come
 * first, then by name, so a model's tests run right after it and the order is deterministic.
 * Ephemeral models are looked through: a model reading an ephemeral depends on its inputs.
 */
export class ExecutionPlan {
  private readonly pending: Set<string>;
  private readonly status = new Map<string, NodeStatus>();
  /** Upstreams (models/seeds) whose error-severity tests failed: their children are skipped. */
  private readonly failedTests = new Map<string, string>();
  private readonly effectiveDeps = new Map<string, string[]>();
  private readonly testsOf = new Map<string, string[]>();
  private readonly ancestorsMemo = new Map<string, Set<string>>();
  /** The unit tests of each model: the model waits for them and is skipped when one fails. */
  private readonly unitTestsOf = new Map<string, string[]>();
  private readonly failedUnitTests = new Map<string, string>();

  constructor(
    private readonly nodes: ReadonlyMap<string, GraphNode>,
    selected: ReadonlySet<string>,
  ) {
    this.pending = new Set(selected);
    for (const id of selected) {
      const node = nodes.get(id)!;
      if (node.resourceType === 'unit_test') {
        const list = this.unitTestsOf.get(node.unitTest.model) ?? [];
        list.push(id);
        this.unitTestsOf.set(node.unitTest.model, list);
      }
      if (node.resourceType !== 'test') continue;
      for (const dep of this.deps(id)) {
        const list = this.testsOf.get(dep) ?? [];
        list.push(id);
        this.testsOf.set(dep, list);
      }
    }
  }

  /** How many nodes the plan runs. */
  get size(): number {
    return this.pending.size + this.status.size;
  }

  /** Dependencies with ephemeral models replaced by their own inputs. */
  deps(id: string): string[] {
    const cached = this.effectiveDeps.get(id);
    if (cached) return cached;
    const out = new Set<string>();
    for (const dep of this.nodes.get(id)?.dependsOn ?? []) {
      const node = this.nodes.get(dep);
      if (node?.materialized === 'ephemeral') for (const inner of this.deps(dep)) out.add(inner);
      else out.add(dep);
    }
    const list = [...out];
    this.effectiveDeps.set(id, list);
    return list;
  }

  /** The ephemeral models `id` reads, directly or through other ephemeral models. */
  private ephemeralsRead(id: string): string[] {
    const out: string[] = [];
    const visit = (from: string): void => {
      for (const dep of this.nodes.get(from)?.dependsOn ?? []) {
        if (this.nodes.get(dep)?.materialized !== 'ephemeral' || out.includes(dep)) continue;
        out.push(dep);
        visit(dep);
      }
    };
    visit(id);
    return out;
  }

  private ancestors(id: string): Set<string> {
    const cached = this.ancestorsMemo.get(id);
    if (cached) return cached;
    const out = new Set<string>();
    for (const dep of this.deps(id)) {
      out.add(dep);
      for (const a of this.ancestors(dep)) out.add(a);
    }
    this.ancestorsMemo.set(id, out);
    return out;
  }

  /** True when `testId` can run before `id` (none of its inputs is `id` or downstream of it). */
  private testCanPrecede(testId: string, id: string): boolean {
    const deps = this.deps(testId);
    if (deps.length <= 1) return true;
    return deps.every((dep) => dep !== id && !this.ancestors(dep).has(id));
  }

  private isReady(id: string): boolean {
    const node = this.nodes.get(id)!;
    if ((this.unitTestsOf.get(id) ?? []).some((test) => this.pending.has(test))) return false;
    for (const dep of this.deps(id)) {
      if (this.pending.has(dep)) return false;
      // A test (a unit test too) needs what it reads built, not tested: waiting for the tests of
      // its inputs could wait on the very model a unit test must run before.
      if (isTest(node)) continue;
      for (const test of this.testsOf.get(dep) ?? []) {
        if (test !== id && this.pending.has(test) && this.testCanPrecede(test, id)) return false;
      }
    }
    return true;
  }

  /** The next node to run, or undefined when all are done. */
  next(): GraphNode | undefined {
    let best: GraphNode | undefined;
    for (const id of this.pending) {
      if (!this.isReady(id)) continue;
      const node = this.nodes.get(id)!;
      if (
        !best ||
        isTest(node) > isTest(best) ||
        (isTest(node) === isTest(best) && node.name < best.name)
      ) {
        best = node;
      }
    }
    if (!best && this.pending.size > 0) {
      // Cannot happen after cycle detection; should it, run a node whose inputs are all built
      // (the waits for upstream tests set aside), in name order, rather than hang.
      const pending = [...this.pending].sort();
      const id =
        pending.find((p) => this.deps(p).every((dep) => !this.pending.has(dep))) ?? pending[0]!;
      return this.nodes.get(id);
    }
    return best;
  }

  /** Why `id` must be skipped (an upstream failed or was skipped, or its error test failed), or undefined. */
  skipReason(id: string): string | undefined {
    const node = this.nodes.get(id)!;
    const unitTest = this.failedUnitTests.get(id);
    if (unitTest) return `skipped: its unit test ${unitTest} failed`;
    for (const dep of this.deps(id)) {
      const status = this.status.get(dep);
      const name = this.nodes.get(dep)?.name ?? dep;
      if (status === 'error') return `skipped: upstream ${name} failed`;
      if (status === 'skipped') return `skipped: upstream ${name} was skipped`;
      if (node.resourceType !== 'test' && this.failedTests.has(dep)) {
        return `skipped: test ${this.failedTests.get(dep)} on upstream ${name} failed`;
      }
    }
    if (node.resourceType !== 'test') {
      for (const ephemeral of this.ephemeralsRead(id)) {
        const test = this.failedTests.get(ephemeral);
        const name = this.nodes.get(ephemeral)?.name ?? ephemeral;
        if (test) return `skipped: test ${test} on upstream ${name} failed`;
      }
    }
    return undefined;
  }

  /** Records a node's outcome. */
  complete(id: string, status: NodeStatus): void {
    this.pending.delete(id);
    this.status.set(id, status);
    const node = this.nodes.get(id)!;
    if (node.resourceType === 'unit_test' && (status === 'fail' || status === 'error')) {
      if (!this.failedUnitTests.has(node.unitTest.model))
        this.failedUnitTests.set(node.unitTest.model, node.name);
    }
    if (node.resourceType === 'test' && (status === 'fail' || status === 'error')) {
      const blamed = node.test?.attachedNode ? [node.test.attachedNode] : this.deps(id);
      for (const upstream of blamed)
        if (!this.failedTests.has(upstream)) this.failedTests.set(upstream, node.name);
    }
  }
}
