/**
 * Values by name within the package that defines them (the root project's under `undefined`):
 * dbt lets the root project and each installed package have a model or seed of the same name,
 * and resolves a ref as {@link ScopedNames.find} does.
 */
export class ScopedNames<T> {
  private readonly byName = new Map<string, Map<string | undefined, T>>();

  /** `rootName` is the root project's name, which a two-argument ref may use. */
  constructor(private readonly rootName: string) {}

  set(name: string, packageName: string | undefined, value: T): void {
    let scopes = this.byName.get(name);
    if (!scopes) this.byName.set(name, (scopes = new Map()));
    scopes.set(this.scope(packageName), value);
  }

  /** The value of `name` in exactly that package (the root project when undefined). */
  get(name: string, packageName: string | undefined): T | undefined {
    return this.byName.get(name)?.get(this.scope(packageName));
  }

  has(name: string, packageName: string | undefined): boolean {
    return this.byName.get(name)?.has(this.scope(packageName)) ?? false;
  }

  delete(name: string, packageName: string | undefined): void {
    this.byName.get(name)?.delete(this.scope(packageName));
  }

  /** Every value, of every package. */
  values(): T[] {
    return [...this.byName.values()].flatMap((scopes) => [...scopes.values()]);
  }

  /** Every name with a value in some package. */
  names(): string[] {
    return [...this.byName].filter(([, scopes]) => scopes.size > 0).map(([name]) => name);
  }

  /**
   * What `ref('name')` from a node of package `from` finds, in dbt's order: the root project's,
   * then the node's own package's, then any package's. `ref('package', 'name')` (`explicit`)
   * finds only that package's.
   */
  find(name: string, from: string | undefined, explicit?: string): T | undefined {
    const scopes = this.byName.get(name);
    if (!scopes) return undefined;
    if (explicit !== undefined) return scopes.get(this.scope(explicit));
    if (scopes.has(undefined)) return scopes.get(undefined);
    const own = this.scope(from);
    if (own !== undefined && scopes.has(own)) return scopes.get(own);
    return scopes.values().next().value;
  }

  private scope(packageName: string | undefined): string | undefined {
    return packageName === this.rootName ? undefined : packageName;
  }
}
