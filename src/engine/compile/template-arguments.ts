/** Splits nunjucks' keyword-argument object off a call's arguments. */
export function splitArgs(args: unknown[]): {
  positional: unknown[];
  kwargs: Record<string, unknown>;
} {
  const last = args.at(-1) as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords) {
    const kwargs = { ...last };
    delete kwargs['__keywords'];
    return { positional: args.slice(0, -1), kwargs };
  }
  return { positional: args, kwargs: {} };
}
