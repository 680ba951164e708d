/** Row helpers shared by the aggregate modules: JSON arrays and NULL-as-undefined. */
export function toJsonArray(values: readonly string[]): string {
  return JSON.stringify([...values]);
}

export function fromJsonArray(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
}

export function opt<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

export function nul<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}
