/** Message lines for the landing tests, built from one message that satisfies the contract. */

/** A message that satisfies every rule of the contract. */
export function validMessage(): Record<string, unknown> {
  return {
    message_id: 'm-1',
    sequence_id: 7,
    partition_id: 0,
    created_at: '2025-01-13T10:00:00.123Z',
    payload: {
      transaction_id: 't-1',
      event_type: 'captured',
      amount: 12.5,
      currency: 'EUR',
      customer_id: 'c-9',
    },
  };
}

/** The unique value marking a field to delete in {@link messageLine}. */
export const ABSENT = Symbol('absent');

/**
 * A JSONL line of {@link validMessage} with `changes` applied: keys are top-level field names or
 * `payload.<field>`; a value of {@link ABSENT} removes the field.
 */
export function messageLine(changes: Record<string, unknown> = {}): string {
  const message = validMessage();
  const payload = message['payload'] as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    const [target, name] = key.startsWith('payload.')
      ? [payload, key.slice('payload.'.length)]
      : [message, key];
    if (value === ABSENT) delete target[name];
    else target[name] = value;
  }
  return JSON.stringify(message);
}
