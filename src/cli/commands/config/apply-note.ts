/** When a changed key takes effect: agents and providers are re-read before each run; the rest (and the heartbeat) at restart. */
export function applyNote(path: string): string {
  // The heartbeat timer is set up when the gateway starts.
  if (path === 'agents.defaults.heartbeat' || path.startsWith('agents.defaults.heartbeat.')) return 'restart the gateway to apply';
  return path === 'models' || path === 'agents' || path.startsWith('models.') || path.startsWith('agents.')
    ? 'a running gateway uses it from the next run'
    : 'restart the gateway to apply';
}
