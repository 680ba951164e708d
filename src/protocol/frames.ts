import { Type, type Static } from '@sinclair/typebox';
import { ClawgateError, isErrorCode } from './error-catalogue.js';
import { compile } from './schema.js';

/** Request frame, client to gateway. */
export const RequestFrameSchema = Type.Object(
  {
    type: Type.Literal('req'),
    id: Type.String({ minLength: 1, maxLength: 256 }),
    method: Type.String({ minLength: 1, maxLength: 256 }),
    params: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type RequestFrame = Static<typeof RequestFrameSchema>;

export const ErrorShapeSchema = Type.Object(
  {
    code: Type.String({ minLength: 1 }),
    message: Type.String({ minLength: 1 }),
    details: Type.Optional(Type.Unknown()),
    retryable: Type.Optional(Type.Boolean()),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ErrorShape = Static<typeof ErrorShapeSchema>;

export const ResponseFrameSchema = Type.Object(
  {
    type: Type.Literal('res'),
    id: Type.String({ minLength: 1 }),
    ok: Type.Boolean(),
    payload: Type.Optional(Type.Unknown()),
    error: Type.Optional(ErrorShapeSchema),
  },
  { additionalProperties: false },
);
export type ResponseFrame = Static<typeof ResponseFrameSchema>;

export const StateVersionSchema = Type.Object(
  { presence: Type.Integer({ minimum: 0 }), health: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const EventFrameSchema = Type.Object(
  {
    type: Type.Literal('event'),
    event: Type.String({ minLength: 1 }),
    payload: Type.Optional(Type.Unknown()),
    seq: Type.Optional(Type.Integer({ minimum: 0 })),
    stateVersion: Type.Optional(StateVersionSchema),
  },
  { additionalProperties: false },
);
export type EventFrame = Static<typeof EventFrameSchema>;

export const requestFrame = compile(RequestFrameSchema);
export const responseFrame = compile(ResponseFrameSchema);
export const eventFrame = compile(EventFrameSchema);

/** Build a success response with exactly the documented keys. */
export function okResponse(id: string, payload: unknown): ResponseFrame {
  return payload === undefined ? { type: 'res', id, ok: true } : { type: 'res', id, ok: true, payload };
}

/** Build an error response with exactly the documented keys. */
export function errorResponse(id: string, error: ErrorShape): ResponseFrame {
  return { type: 'res', id, ok: false, error };
}

/** Build an event frame; seq only for broadcasts. */
export function eventFrameOf(event: string, payload: unknown, seq?: number): EventFrame {
  const frame: EventFrame = { type: 'event', event };
  if (payload !== undefined) frame.payload = payload;
  if (seq !== undefined) frame.seq = seq;
  return frame;
}

/** The one mapper from any thrown value to the wire error shape. Unknown errors never leak their text. */
export function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof ClawgateError) {
    const shape: ErrorShape = {
      code: err.wireCode,
      message: err.message,
      details: { ...err.details, code: err.code },
    };
    const retryAfterMs = err.details['retryAfterMs'];
    if (err.retryable) shape.retryable = true;
    if (typeof retryAfterMs === 'number' && retryAfterMs >= 0) shape.retryAfterMs = Math.ceil(retryAfterMs);
    return shape;
  }
  return { code: 'UNAVAILABLE', message: 'internal error', details: { code: 'INTERNAL' } };
}

/** Rebuild a ClawgateError from a wire error (client side), keeping the stable code when known. */
export function fromErrorShape(error: ErrorShape): ClawgateError {
  const details = (typeof error.details === 'object' && error.details !== null ? error.details : {}) as Record<
    string,
    unknown
  >;
  const code = isErrorCode(details['code']) ? details['code'] : wireFallback(error.code);
  return new ClawgateError(code, error.message, { ...details, wireCode: error.code });
}

function wireFallback(wire: string): 'PAIRING_REQUIRED' | 'RATE_LIMITED' | 'INVALID_PARAMS' {
  if (wire === 'NOT_PAIRED') return 'PAIRING_REQUIRED';
  if (wire === 'UNAVAILABLE') return 'RATE_LIMITED';
  return 'INVALID_PARAMS';
}
