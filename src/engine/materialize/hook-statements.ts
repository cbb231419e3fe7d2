/**
 * A node's `pre_hook` or `post_hook` statements, rendered when they run, as dbt renders them: inside
 * the node's transaction, so a post_hook that queries `this` sees what the node just built.
 */
export type HookStatements = () => Promise<readonly string[]>;
