/**
 * How a provider failure is classified. `auth`: the credential was rejected (stays marked until the key
 * changes). `billing` and `rate_limit`: bounded back-off that ends by itself. `overloaded`: the provider
 * failed on its side (5xx, 529), a short back-off. `bad_request`: this request was refused; never marks the
 * provider. `network`: unreachable or timed out. `invalid_response`: the reply was not the API's format.
 * It lives in protocol because agent.wait and models.status send it on the wire.
 */
export type ProviderErrorClass = 'auth' | 'billing' | 'rate_limit' | 'overloaded' | 'bad_request' | 'network' | 'invalid_response';

/** All classes, for schemas and exhaustive tables. */
export const PROVIDER_ERROR_CLASSES: readonly ProviderErrorClass[] = ['auth', 'billing', 'rate_limit', 'overloaded', 'bad_request', 'network', 'invalid_response'];
