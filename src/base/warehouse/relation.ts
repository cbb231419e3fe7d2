import { quoteIdentifier } from './quote.js';

/**
 * A relation as templates see it (`this`, `ref('m')`, `source('s', 't')`): renders as
 * `"schema"."identifier"` and exposes `schema`, `name`, `identifier`, `database` like dbt's.
 */
export class Relation {
  constructor(
    readonly schema: string,
    readonly identifier: string,
    /** When set, the relation renders as this text instead (ephemeral CTE names). */
    private readonly rendered?: string,
    private readonly kind?: 'table' | 'view' | 'cte',
  ) {}

  get name(): string {
    return this.identifier;
  }

  get table(): string {
    return this.identifier;
  }

  get database(): string | undefined {
    return undefined;
  }

  /** dbt's relation type (`table`, `view`, `cte` for an ephemeral model), when known. */
  get type(): string | null {
    return this.kind ?? null;
  }

  get is_table(): boolean {
    return this.kind === 'table';
  }

  get is_view(): boolean {
    return this.kind === 'view';
  }

  get is_cte(): boolean {
    return this.kind === 'cte';
  }

  /** What dbt's packages test to tell a relation from a string (`dbt_utils._is_relation`). */
  get metadata(): { readonly type: string } {
    return { type: 'DuckDBRelation' };
  }

  /** dbt's `relation.incorporate(type=...)`: the same relation with its type known. */
  incorporate(options?: { readonly type?: unknown }): Relation {
    const type = options?.type;
    return type === 'table' || type === 'view'
      ? new Relation(this.schema, this.identifier, this.rendered, type)
      : this;
  }

  /** dbt's `relation.include(database=False, …)`: without a database part already. */
  include(): Relation {
    return this;
  }

  /** dbt's relations compare by what they name. */
  __eq__(other: unknown): boolean {
    return other instanceof Relation && other.render() === this.render();
  }

  /** The SQL text of the relation. */
  render(): string {
    return this.rendered ?? `${quoteIdentifier(this.schema)}.${quoteIdentifier(this.identifier)}`;
  }

  toString(): string {
    return this.render();
  }

  toJSON(): string {
    return this.render();
  }
}
