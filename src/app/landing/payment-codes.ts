// The simulator draws codes (small integers) and the landing turns them into these strings, in
// JavaScript for JSONL and in SQL for the warehouse: both index these lists.

/** Event types, indexed by `SimulatedRow.eventTypeCode`. */
export const EVENT_TYPES = ['authorized', 'captured', 'failed', 'refunded'] as const;
/** Currencies, indexed by `SimulatedRow.currencyCode` (EUR twice: drawn twice as often). */
export const CURRENCIES = ['EUR', 'EUR', 'USD', 'GBP'] as const;
/** Payment methods (an extra payload field), indexed by `SimulatedRow.methodCode`. */
export const METHODS = ['card', 'card', 'card', 'sepa', 'wallet'] as const;
