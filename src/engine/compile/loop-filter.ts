/**
 * Jinja's loop filter, `{% for column in columns if column.name != 'id' %}`: nunjucks reads the
 * `if` as an inline if over the list (`columns if … else undefined`) and, the loop variable being
 * unset there, silently loops over nothing. The patch parses the iterable without an inline if, as
 * Jinja does, and filters the items before the loop, so `loop.index`, `loop.length` and
 * `loop.last` count only the items kept, as in Jinja.
 */
import { truthy } from './python-operators.js';

export function patchLoopFilter(nodes: any, Parser: any, Compiler: any, runtime: any): void {
  // An expression node type the compiler accepts where an iterable goes; compiled by compileLoopFilter.
  const LoopFilter = nodes.InlineIf.extend('LoopFilter', { fields: ['arr', 'cond', 'target'] });
  const parseFor = Parser.prototype.parseFor;
  Parser.prototype.parseFor = function (this: any, ...args: unknown[]) {
    // Only the iterable, the first expression parseFor reads, loses the inline if.
    this.parseExpression = function (this: any) {
      delete this.parseExpression;
      const arr = this.parseOr();
      if (!this.skipSymbol('if')) return arr;
      return new LoopFilter(arr.lineno, arr.colno, arr, this.parseExpression());
    };
    try {
      const node = parseFor.apply(this, args);
      if (node.arr instanceof LoopFilter) node.arr.target = node.name;
      return node;
    } finally {
      delete this.parseExpression;
    }
  };
  Compiler.prototype.compileLoopFilter = function (this: any, node: any, frame: any) {
    const names: string[] =
      node.target instanceof nodes.Array
        ? node.target.children.map((child: any) => child.value)
        : [node.target.value];
    this._emit('runtime.__loopFilter(');
    this._compileExpression(node.arr, frame);
    this._emit(`, ${names.length}, function(item) { frame = frame.push(); `);
    names.forEach((name, i) =>
      this._emit(
        `frame.set(${JSON.stringify(name)}, ${names.length > 1 ? `item[${i}]` : 'item'}); `,
      ),
    );
    this._emit('try { return runtime.__truthy(');
    this._compileExpression(node.cond, frame);
    this._emit('); } finally { frame = frame.pop(); } })');
  };
  runtime.__truthy = truthy;
  runtime.__loopFilter = (arr: unknown, names: number, keep: (item: unknown) => boolean) => {
    if (arr === null || arr === undefined) return [];
    const items = Array.isArray(arr)
      ? arr
      : arr instanceof Map
        ? [...(names > 1 ? arr.entries() : arr.keys())]
        : typeof arr === 'object' && Symbol.iterator in (arr as object)
          ? [...(arr as Iterable<unknown>)]
          : typeof arr === 'object' && names > 1
            ? Object.entries(arr as Record<string, unknown>)
            : typeof arr === 'object'
              ? Object.keys(arr as Record<string, unknown>)
              : Array.from(arr as Iterable<unknown>);
    return items.filter(keep);
  };
}
