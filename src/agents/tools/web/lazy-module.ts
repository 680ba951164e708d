/**
 * The named exports of a package loaded with `await import()`. Node gives a CommonJS package's exports as
 * names, but the esbuild bundle the CLI and gateway run from gives only `default` (module.exports), so a
 * destructured name would be undefined there: the same code must work both ways.
 */
export function namedExports<T extends object>(mod: T): T {
  const fallback = (mod as { default?: unknown }).default;
  const onlyDefault = Object.keys(mod).every((k) => k === 'default' || k === '__esModule');
  return onlyDefault && fallback !== null && (typeof fallback === 'object' || typeof fallback === 'function') ? (fallback as T) : mod;
}
