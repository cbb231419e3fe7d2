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
