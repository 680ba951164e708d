import { join, resolve } from 'node:path';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { MemoryIndex } from './memory-index.js';

/** The folder of the per-agent index files in a state dir. */
export const MEMORY_INDEX_DIR = 'memory';

/** An agent as the registry needs it. */
export interface MemoryAgent {
  readonly id: string;
  readonly workspace: string;
}

/**
 * The memory indexes of a gateway, one per agent at `<stateDir>/memory/<agentId>.sqlite`, opened on first
 * use. An agent whose workspace changed in config gets its index rebuilt for the new one.
 */
export class MemoryIndexes {
  readonly #dir: string;
  readonly #open = new Map<string, MemoryIndex>();
  #closed = false;

  constructor(stateDir: string) {
    this.#dir = join(stateDir, MEMORY_INDEX_DIR);
  }

  /** Where an agent's index file is (agent ids are file-name safe: config restricts them to [a-z0-9_-]). */
  pathOf(agentId: string): string {
    return join(this.#dir, `${agentId}.sqlite`);
  }

  /** The agent's index, opened (or reopened for a new workspace) now if need be. */
  for(agent: MemoryAgent): MemoryIndex {
    if (this.#closed) throw new ClawgateError('AGENTS_STOPPING', 'the gateway is stopping; search memory again after it restarts');
    const current = this.#open.get(agent.id);
    if (current && current.workspace === resolve(agent.workspace)) return current;
    current?.close();
    const index = MemoryIndex.open({ dbPath: this.pathOf(agent.id), workspace: agent.workspace });
    this.#open.set(agent.id, index);
    return index;
  }

  /** Close every open index (the gateway's stop). */
  close(): void {
    this.#closed = true;
    for (const index of this.#open.values()) index.close();
    this.#open.clear();
  }
}
