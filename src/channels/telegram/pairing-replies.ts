import type { CodeRequestOutcome } from '../pairing.js';

/** What an unknown sender is told: their code and the owner's exact command, or that too many requests wait. */
export function pairingReply(outcome: CodeRequestOutcome, senderId: string): string | undefined {
  switch (outcome.kind) {
    case 'allowed':
      return undefined;
    case 'full':
      return 'This assistant has too many pending access requests right now. Please try again later.';
    case 'issued':
    case 'existing': {
      const minutes = Math.max(1, Math.round((outcome.request.expiresAtMs - Date.now()) / 60_000));
      return [
        'This assistant only talks to people its owner approved.',
        `Your pairing code: ${outcome.request.code} (your Telegram user id: ${senderId})`,
        `Ask the owner to run: clawgate pairing approve telegram ${outcome.request.code}`,
        `The code is valid for ${minutes} min.`,
      ].join('\n');
    }
  }
}
