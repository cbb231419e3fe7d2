/**
 * Jinja2 syntax and semantics that nunjucks lacks and dbt packages use, patched into nunjucks'
 * lexer, parser, compiler and runtime at load time (nothing under node_modules is edited; the
 * nunjucks version is pinned exactly because these patches rely on its internals).
 *
 * nunjucks was kept over minijinja-js, whose JavaScript binding has no way to return a macro to the
 * host (no `return()`, no `adapter.dispatch`), copies host objects into plain maps and aborts the
 * WebAssembly module on an error thrown by a host function.
 */
import { createRequire } from 'node:module';
import { patchLoopFilter } from './loop-filter.js';
import { patchEquality, patchOutput } from './python-builtins.js';
import { patchMacroFrames } from './macro-frames.js';
import { patchFloatLiterals } from './python-float.js';
import { patchOperators } from './python-operators.js';
import { STRING_METHODS } from './python-string-methods.js';
import { splitArgs } from './template-arguments.js';

const require = createRequire(import.meta.url);
const lexer = require('nunjucks/src/lexer') as any;
const nodes = require('nunjucks/src/nodes') as any;
const { Parser } = require('nunjucks/src/parser') as any;
const { Compiler } = require('nunjucks/src/compiler') as any;
const runtime = require('nunjucks/src/runtime') as any;

const CLOSERS = [lexer.TOKEN_RIGHT_PAREN, lexer.TOKEN_RIGHT_BRACKET, lexer.TOKEN_RIGHT_CURLY];

/** `*args` and `**kwargs` at a call site. */
const Spread = nodes.Node.extend('Spread', { fields: ['target'] });
const KeywordSpread = nodes.Node.extend('KeywordSpread', { fields: ['target'] });

/** Keys the macro wrapper hands a macro's extra arguments under (see {@link withExtraArguments}). */
const VARARGS_KEY = '__dbt_varargs';
const KWARGS_KEY = '__dbt_kwargs';

/**
 * Lists, tuples and dicts with a trailing comma (`[a, b,]`), and dict keys that are expressions
 * (`{col.column: col}`, `{name: value}` with `name` a variable, as in Jinja).
 */
function patchAggregates(): void {
  Parser.prototype.parseAggregate = function (this: any) {
    const token = this.nextToken();
    let node: any;
    let sawComma = false;
    if (token.type === lexer.TOKEN_LEFT_PAREN) node = new nodes.Group(token.lineno, token.colno);
    else if (token.type === lexer.TOKEN_LEFT_BRACKET)
      node = new nodes.Array(token.lineno, token.colno);
    else if (token.type === lexer.TOKEN_LEFT_CURLY)
      node = new nodes.Dict(token.lineno, token.colno);
    else return null;
    for (;;) {
      if (CLOSERS.includes(this.peekToken().type)) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA))
          this.fail('parseAggregate: expected comma after expression', token.lineno, token.colno);
        sawComma = true;
        if (CLOSERS.includes(this.peekToken().type)) {
          this.nextToken();
          break;
        }
      }
      if (node instanceof nodes.Dict) {
        const key = this.parseExpression();
        if (!this.skip(lexer.TOKEN_COLON))
          this.fail('parseAggregate: expected colon after dict key', token.lineno, token.colno);
        const value = this.parseExpression();
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, value));
      } else {
        node.addChild(this.parseExpression());
      }
    }
    // `(a,)` and `(a, b)` are tuples in Jinja; nunjucks compiled them to JavaScript's comma operator.
    if (node instanceof nodes.Group && sawComma)
      return new nodes.Array(node.lineno, node.colno, node.children);
    return node;
  };
  Compiler.prototype.compileDict = function (this: any, node: any, frame: any) {
    this._emit('{');
    node.children.forEach((pair: any, index: number) => {
      if (index > 0) this._emit(',');
      this._emit('[');
      this._compileExpression(pair.key, frame);
      this._emit(']: ');
      this._compileExpression(pair.value, frame);
    });
    this._emit('}');
  };
}

/** Calls and macro signatures with a trailing comma, and `*args` / `**kwargs` at call sites. */
function patchSignatures(): void {
  Parser.prototype.parseSignature = function (this: any, tolerant: boolean, noParens: boolean) {
    let token = this.peekToken();
    if (!noParens && token.type !== lexer.TOKEN_LEFT_PAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', token.lineno, token.colno);
    }
    if (token.type === lexer.TOKEN_LEFT_PAREN) token = this.nextToken();
    const args = new nodes.NodeList(token.lineno, token.colno);
    const kwargs = new nodes.KeywordArgs(token.lineno, token.colno);
    let checkComma = false;
    for (;;) {
      token = this.peekToken();
      if (!noParens && token.type === lexer.TOKEN_RIGHT_PAREN) {
        this.nextToken();
        break;
      }
      if (noParens && token.type === lexer.TOKEN_BLOCK_END) break;
      if (checkComma) {
        if (!this.skip(lexer.TOKEN_COMMA))
          this.fail('parseSignature: expected comma after expression', token.lineno, token.colno);
        if (!noParens && this.peekToken().type === lexer.TOKEN_RIGHT_PAREN) {
          this.nextToken();
          break;
        }
      }
      const next = this.peekToken();
      if (next.type === lexer.TOKEN_OPERATOR && (next.value === '*' || next.value === '**')) {
        this.nextToken();
        const target = this.parseExpression();
        if (next.value === '*') args.addChild(new Spread(next.lineno, next.colno, target));
        else kwargs.addChild(new KeywordSpread(next.lineno, next.colno, target));
      } else {
        const arg = this.parseExpression();
        if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
          kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
        } else {
          args.addChild(arg);
        }
      }
      checkComma = true;
    }
    if (kwargs.children.length > 0) args.addChild(kwargs);
    return args;
  };
}

/** Code for `*args` and `**kwargs`, and callee names that stay valid JavaScript. */
function patchCallCompilation(): void {
  Compiler.prototype.compileSpread = function (this: any, node: any, frame: any) {
    this._emit('...(Array.from(');
    this._compileExpression(node.target, frame);
    this._emit(' || []))');
  };
  const compilePair = Compiler.prototype.compilePair;
  Compiler.prototype.compileKeywordArgs = function (this: any, node: any, frame: any) {
    this._emit('runtime.makeKeywordArgs(Object.assign({}, ');
    for (const child of node.children) {
      if (child instanceof KeywordSpread) {
        this._emit('runtime.keywordSpread(');
        this._compileExpression(child.target, frame);
        this._emit('), ');
      } else {
        this._emit('{');
        compilePair.call(this, child, frame);
        this._emit('}, ');
      }
    }
    this._emit('{}))');
  };
  runtime.keywordSpread = (value: unknown): Record<string, unknown> => {
    if (value instanceof Map) return Object.fromEntries(value);
    if (value && typeof value === 'object') {
      const copy = { ...(value as Record<string, unknown>) };
      delete copy['__keywords'];
      return copy;
    }
    return {};
  };
  // nunjucks names the callee of a call in its generated JavaScript as a string literal; a
  // receiver that is a multi-line string broke that literal.
  const nodeName = Compiler.prototype._getNodeName;
  Compiler.prototype._getNodeName = function (this: any, node: any) {
    return String(nodeName.call(this, node))
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
  };
}

/** Filter calls record their line, so that an error raised by a filter names it. */
function patchFilterLines(): void {
  const compileFilter = Compiler.prototype.compileFilter;
  Compiler.prototype.compileFilter = function (this: any, node: any, frame: any) {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
    compileFilter.call(this, node, frame);
    this._emit(')');
  };
}

/**
 * String literals read with Python's escapes, as Jinja reads them: `\\`, `\'`, `\"`, `\n`, `\t`,
 * `\r`, `\xHH`, `\uHHHH`, a backslash-newline joins lines, and any other backslash stays (so
 * `'\d+'` reaches `modules.re` as the pattern `\d+`; nunjucks dropped the backslash).
 */
function patchStrings(): void {
  const tokenizer = Object.getPrototypeOf(lexer.lex('')) as any;
  const parseString = tokenizer._parseString;
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    "'": "'",
    '"': '"',
  };
  tokenizer._parseString = function (this: any, delimiter: string) {
    const start = this.index;
    const text = parseString.call(this, delimiter) as string;
    const raw: string = this.str.slice(start, this.index);
    if (!raw.includes('\\')) return text;
    let out = '';
    for (let i = 1; i < raw.length - 1; i++) {
      const ch = raw[i]!;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const next = raw[i + 1] ?? '';
      const hex = next === 'x' ? 2 : next === 'u' ? 4 : 0;
      const digits = raw.slice(i + 2, i + 2 + hex);
      if (next === '\n') i += 1;
      else if (next === '\r' && raw[i + 2] === '\n') i += 2;
      else if (simple[next] !== undefined) {
        out += simple[next];
        i += 1;
      } else if (hex > 0 && new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) {
        out += String.fromCharCode(parseInt(digits, 16));
        i += 1 + hex;
      } else out += ch;
    }
    return out;
  };
}

/** `{% set ns.attr = value %}` on a `namespace()` (or any object). */
function patchSet(): void {
  const compileSet = Compiler.prototype.compileSet;
  Compiler.prototype.compileSet = function (this: any, node: any, frame: any) {
    const target = node.targets[0];
    if (
      node.targets.length === 1 &&
      target instanceof nodes.LookupVal &&
      (node.value || node.body)
    ) {
      this._emit(`lineno = ${node.lineno}; colno = ${node.colno}; runtime.setAttribute(`);
      this._compileExpression(target.target, frame);
      this._emit(', ');
      this._compileExpression(target.val, frame);
      this._emit(', ');
      if (node.value) this._compileExpression(node.value, frame);
      else this.compile(node.body, frame);
      this._emitLine(');');
      return;
    }
    return compileSet.call(this, node, frame);
  };
  runtime.setAttribute = (object: unknown, key: unknown, value: unknown): void => {
    if (object === null || typeof object !== 'object')
      throw new Error(`cannot set attribute ${String(key)} on ${String(object)}`);
    (object as Record<string, unknown>)[String(key)] = value;
  };
}

/** String methods, `list.extend`, `dict.update`, `dict.get(key, default)` and `dict.pop`. */
function patchMemberLookup(): void {
  const memberLookup = runtime.memberLookup;
  runtime.memberLookup = function (
    this: unknown,
    object: unknown,
    name: unknown,
    ...rest: unknown[]
  ) {
    if (
      typeof object === 'string' &&
      typeof name === 'string' &&
      Object.hasOwn(STRING_METHODS, name)
    )
      return STRING_METHODS[name]!(object);
    if (Array.isArray(object) && name === 'extend')
      return (items: Iterable<unknown>) => {
        object.push(...Array.from(items ?? []));
        return '';
      };
    return memberLookup.call(this, object, name, ...rest);
  };
}

/**
 * Macros with `varargs` and `kwargs`: extra positional arguments and unknown keyword arguments
 * reach the body under those names, as in Jinja (nunjucks drops them).
 */
function patchMacroExtras(): void {
  const compileMacro = Compiler.prototype._compileMacro;
  Compiler.prototype._compileMacro = function (this: any, node: any, frame: any) {
    const emitLines = this._emitLines;
    this._emitLines = function (this: any, ...lines: string[]) {
      emitLines.apply(this, lines);
      if (lines.some((line) => line.includes('frame.set("caller", kwargs.caller)'))) {
        this._emitLine(
          `frame.set("varargs", kwargs["${VARARGS_KEY}"] || []); frame.set("kwargs", kwargs["${KWARGS_KEY}"] || {});`,
        );
        this._emitLines = emitLines;
      }
    };
    try {
      return compileMacro.call(this, node, frame);
    } finally {
      this._emitLines = emitLines;
    }
  };
}

/**
 * Wraps nunjucks' macro call so that the extra arguments reach the body (see
 * {@link patchMacroExtras}); `makeMacro` calls it with the macro's declared names.
 */
export function withExtraArguments(
  argNames: readonly string[],
  kwargNames: readonly string[],
  macro: (...args: unknown[]) => unknown,
): (...args: unknown[]) => unknown {
  const declared = new Set([...argNames, ...kwargNames, 'caller']);
  const slots = argNames.length + kwargNames.length;
  return function (this: unknown, ...args: unknown[]): unknown {
    const { positional, kwargs } = splitArgs(args);
    const extraKeys = Object.keys(kwargs).filter((key) => !declared.has(key));
    if (positional.length <= slots && extraKeys.length === 0) return macro.apply(this, args);
    const keywords: Record<string, unknown> = { __keywords: true };
    for (const [key, value] of Object.entries(kwargs)) if (declared.has(key)) keywords[key] = value;
    keywords[VARARGS_KEY] = positional.slice(slots);
    keywords[KWARGS_KEY] = Object.fromEntries(extraKeys.map((key) => [key, kwargs[key]]));
    return macro.apply(this, [...positional.slice(0, slots), keywords]);
  };
}

let installed = false;

/** Installs every patch once per process. */
export function installJinjaSyntax(): void {
  if (installed) return;
  installed = true;
  patchAggregates();
  patchSignatures();
  patchCallCompilation();
  patchStrings();
  patchSet();
  patchOperators(nodes, Compiler, runtime);
  patchFloatLiterals(Parser, Compiler, runtime);
  patchFilterLines();
  patchMemberLookup();
  patchMacroExtras();
  patchLoopFilter(nodes, Parser, Compiler, runtime);
  patchMacroFrames(Compiler);
  patchEquality(Compiler, runtime);
  patchOutput(Compiler, runtime);
}
