/**
 * Python's floats where JavaScript has one number type: `10 / 2` is `5.0` in dbt's Jinja and
 * prints so (in SQL, `5.0` is a decimal where `5` is an integer). Only a float with an integral
 * value needs its own type; any other float prints the same in both languages.
 */
export class PyFloat extends Number {
  override toString(): string {
    const value = this.valueOf();
    if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
    // Python switches to exponent form at 1e16, as JavaScript does only at 1e21.
    if (Math.abs(value) >= 1e16) return value.toExponential();
    return `${value}.0`;
  }
}

/** A float result: a {@link PyFloat} when its value is integral, else the number itself. */
export function asFloat(value: number): number | PyFloat {
  return Number.isInteger(value) || !Number.isFinite(value) ? new PyFloat(value) : value;
}

/** Whether `value` is a Python float here: a PyFloat or a number with a fraction. */
export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

/** Whether `value` is a Python number (int or float, not bool). */
export function isNumber(value: unknown): boolean {
  return typeof value === 'number' || value instanceof PyFloat;
}

function divisor(right: unknown): number {
  const value = Number(right);
  if (value === 0) throw new Error('ZeroDivisionError: division by zero');
  return value;
}

/** `a / b`: always a float, as in Python 3. */
export function divide(left: unknown, right: unknown): number | PyFloat {
  return asFloat(Number(left) / divisor(right));
}

/** `a // b`: floored, an int for ints and a float when either side is one. */
export function floorDivide(left: unknown, right: unknown): number | PyFloat {
  const value = Math.floor(Number(left) / divisor(right));
  return isFloat(left) || isFloat(right) ? asFloat(value) : value;
}

/** An arithmetic result with a float operand stays a float. */
export function keepFloat(left: unknown, right: unknown, result: unknown): unknown {
  return typeof result === 'number' && (left instanceof PyFloat || right instanceof PyFloat)
    ? asFloat(result)
    : result;
}

/** Python's `%` on numbers: the result takes the divisor's sign. */
export function numericModulo(left: unknown, right: unknown): unknown {
  const b = divisor(right);
  const value = ((Number(left) % b) + b) % b;
  return isFloat(left) || isFloat(right) ? asFloat(value) : value;
}

/** A literal written with a point (`7.0`) is a float, as Python reads it, and so is its negation. */
export function patchFloatLiterals(Parser: any, Compiler: any, runtime: any): void {
  runtime.pyFloat = (value: number) => new PyFloat(value);
  const parsePrimary = Parser.prototype.parsePrimary;
  Parser.prototype.parsePrimary = function (this: any, ...args: unknown[]) {
    const token = this.peekToken();
    const node = parsePrimary.apply(this, args);
    if (token?.type === 'float' && typeof node?.value === 'number' && Number.isInteger(node.value))
      node.value = new PyFloat(node.value);
    return node;
  };
  runtime.pyNeg = (value: unknown) => keepFloat(value, undefined, -(value as number));
  Compiler.prototype.compileNeg = function (this: any, node: any, frame: unknown) {
    this._emit('runtime.pyNeg(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  const compileLiteral = Compiler.prototype.compileLiteral;
  Compiler.prototype.compileLiteral = function (this: any, node: any, ...rest: unknown[]) {
    if (node.value instanceof PyFloat)
      return this._emit(`runtime.pyFloat(${node.value.valueOf()})`);
    return compileLiteral.call(this, node, ...rest);
  };
}
