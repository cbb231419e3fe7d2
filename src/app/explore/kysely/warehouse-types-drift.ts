/** The columns of one relation as a generated types file declares them: name → DuckDB type. */
type DeclaredRelations = Map<string, { kind: string; columns: Map<string, string> }>;

/**
 * Reads the relations and columns a generated `warehouse-types.ts` text declares, from the
 * generator's own markers: `/** Table \`name\`. *\/` before each interface and `/** TYPE *\/`
 * before each column (whatever line breaks Prettier put into the TypeScript types).
 */
export function readDeclaredRelations(text: string): DeclaredRelations {
  const relations: DeclaredRelations = new Map();
  const blocks = text.split(/^\/\*\* (Table|View) `([^`]+)`\. \*\/$/m);
  // split() with two capture groups gives [before, kind, name, body, kind, name, body, ...].
  for (let i = 1; i + 1 < blocks.length; i += 3) {
    const kind = blocks[i]!;
    const name = blocks[i + 1]!;
    const body = (blocks[i + 2] ?? '').split(/^\}$/m)[0] ?? '';
    const columns = new Map<string, string>();
    for (const match of body.matchAll(
      /^\s*\/\*\* (.*) \*\/\n\s*('(?:[^'\\]|\\.)*'|[^:\s]+)\??:/gm,
    )) {
      const column = match[2]!.startsWith("'")
        ? match[2]!.slice(1, -1).replace(/\\(.)/g, '$1')
        : match[2]!;
      columns.set(column, match[1]!.replaceAll('*\\/', '*/'));
    }
    relations.set(name, { kind, columns });
  }
  return relations;
}

/**
 * What differs between the types the schema generates now (`expected`) and a checked-in file
 * (`actual`), one phrase per difference, e.g. `gold_daily_revenue: column note (VARCHAR) is new`.
 * Empty when the declared relations and columns agree (the texts may still differ, e.g. in
 * nullability or formatting).
 */
export function describeTypesDrift(expected: string, actual: string): string[] {
  const want = readDeclaredRelations(expected);
  const have = readDeclaredRelations(actual);
  const drift: string[] = [];
  for (const [name, relation] of want) {
    const old = have.get(name);
    if (!old) {
      drift.push(`relation ${name} is new`);
      continue;
    }
    for (const [column, type] of relation.columns) {
      const oldType = old.columns.get(column);
      if (oldType === undefined) drift.push(`${name}: column ${column} (${type}) is new`);
      else if (oldType !== type)
        drift.push(`${name}: column ${column} is now ${type} (was ${oldType})`);
    }
    for (const column of old.columns.keys()) {
      if (!relation.columns.has(column)) drift.push(`${name}: column ${column} is gone`);
    }
    const order = (columns: Map<string, string>): string =>
      [...columns.keys()].filter((c) => relation.columns.has(c) && old.columns.has(c)).join(',');
    if (order(relation.columns) !== order(old.columns))
      drift.push(`${name}: columns are in another order`);
  }
  for (const name of have.keys()) {
    if (!want.has(name)) drift.push(`relation ${name} is gone`);
  }
  return drift;
}
