/** When a changed key takes effect: agents and providers are re-read before each run; the rest at restart. */
export function applyNote(path: string): string {
  return path === 'models' || path === 'agents' || path.startsWith('models.') || path.startsWith('agents.')
    ? 'a running gateway uses it from the next run'
    : 'restart the gateway to apply';
}
