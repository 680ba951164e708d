/** A chat to send to: the channel id (e.g. `telegram`) and its chat id there. */
export interface MessageTarget {
  readonly channel: string;
  readonly to: string;
}

/**
 * How the message tool reaches the chat channels (which live above agents): the gateway wires the real one;
 * tests give their own. Only targets the owner approved may be sent to.
 */
export interface MessagePort {
  /** Send text; throws a ClawgateError naming the cause when the channel cannot deliver. */
  deliver(target: MessageTarget, text: string): Promise<void>;
  /** True when the owner approved this target (allowFrom, approvers, DM pairing). */
  isApprovedTarget(target: MessageTarget): boolean;
  /** How the owner approves a target on this channel (a command), for the refusal message. */
  howToApprove(target: MessageTarget): string;
}

/** A port that approves no target (where no channel is wired, e.g. tests that do not send). */
export const NO_MESSAGE_TARGETS: MessagePort = {
  deliver: () => Promise.reject(new Error('no chat channel is wired')),
  isApprovedTarget: () => false,
  howToApprove: () => 'no chat channel is configured here (see docs/telegram.md)',
};
