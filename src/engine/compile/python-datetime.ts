/**
 * `modules.datetime` and `modules.pytz` as dbt gives them to templates: `datetime.datetime`
 * (`now`, `utcnow`, `strptime`, `fromisoformat`, `strftime`, `isoformat`, `date()`, `replace`),
 * `datetime.date`, `datetime.timedelta` with `+` and `-`, and `pytz.timezone(name)` / `pytz.utc`
 * for `now(tz)` and `astimezone(tz)`. Time zones come from the ICU data Node ships.
 */
import { splitArgs } from './template-arguments.js';
import { CompilerError } from './template-error.js';
import { formatOffset, MONTHS, pad, strftime } from './python-strftime.js';

const DAY_MS = 86_400_000;

// Making a formatter costs far more than using one: one per zone, for the life of the process.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** A pytz time zone. */
export class TimeZone {
  constructor(readonly zone: string) {
    formatterFor(zone);
  }
  /** Minutes east of UTC at the instant `ms`. */
  offsetAt(ms: number): number {
    const parts = Object.fromEntries(
      formatterFor(this.zone)
        .formatToParts(new Date(ms))
        .map((part) => [part.type, Number(part.value)]),
    );
    const local = Date.UTC(
      parts['year']!,
      parts['month']! - 1,
      parts['day']!,
      parts['hour']!,
      parts['minute']!,
      parts['second']!,
    );
    return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  }
  /**
   * Minutes east of UTC for a local wall time (given as if it were UTC): the offset in force at
   * the instant that wall time names, which differs from the offset at the wall time read as UTC
   * around a daylight-saving change.
   */
  offsetForWall(wall: number): number {
    return this.offsetAt(wall - this.offsetAt(wall) * 60_000);
  }
  localize(value: PyDateTime): PyDateTime {
    return value.replace({ tzinfo: this, __keywords: true });
  }
  toString(): string {
    return this.zone;
  }
}

/** A fixed offset from UTC (`datetime.timezone(timedelta(hours=2))`, or an ISO `+02:00`). */
export class FixedOffset extends TimeZone {
  constructor(readonly minutes: number) {
    super('UTC');
  }
  override offsetAt(): number {
    return this.minutes;
  }
  override toString(): string {
    return this.minutes === 0 ? 'UTC' : `UTC${formatOffset(this.minutes, ':')}`;
  }
}

/** Python's `timedelta`. */
export class PyTimedelta {
  constructor(readonly ms: number) {}
  get days(): number {
    return Math.floor(this.ms / DAY_MS);
  }
  get seconds(): number {
    return Math.floor((this.ms - this.days * DAY_MS) / 1000);
  }
  total_seconds(): number {
    return this.ms / 1000;
  }
  /** A number when compared (`<`), its text when printed or joined. */
  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'number' ? this.ms : this.toString();
  }
  __eq__(other: unknown): boolean {
    return other instanceof PyTimedelta && other.ms === this.ms;
  }
  toString(): string {
    const rest = this.ms - this.days * DAY_MS;
    const time = `${Math.floor(rest / 3_600_000)}:${pad(Math.floor(rest / 60_000) % 60)}:${pad(Math.floor(rest / 1000) % 60)}`;
    return this.days === 0
      ? time
      : `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${time}`;
  }
}

/** Python's naive or aware `datetime` (or a `date`, which prints without its time). */
export class PyDateTime {
  /** Local wall time as if it were UTC, in microseconds' precision kept in `micro`. */
  constructor(
    readonly wall: number,
    readonly micro = 0,
    readonly tzinfo: TimeZone | null = null,
    readonly dateOnly = false,
  ) {}
  private get d(): Date {
    return new Date(this.wall);
  }
  get year(): number {
    return this.d.getUTCFullYear();
  }
  get month(): number {
    return this.d.getUTCMonth() + 1;
  }
  get day(): number {
    return this.d.getUTCDate();
  }
  get hour(): number {
    return this.d.getUTCHours();
  }
  get minute(): number {
    return this.d.getUTCMinutes();
  }
  get second(): number {
    return this.d.getUTCSeconds();
  }
  get microsecond(): number {
    return this.d.getUTCMilliseconds() * 1000 + this.micro;
  }
  weekday(): number {
    return (this.d.getUTCDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  date(): PyDateTime {
    return new PyDateTime(Math.floor(this.wall / DAY_MS) * DAY_MS, 0, null, true);
  }
  /** The instant, for aware values; naive ones are taken as UTC. */
  timestamp(): number {
    const offset = this.tzinfo ? this.tzinfo.offsetForWall(this.wall) : 0;
    return (this.wall - offset * 60_000) / 1000;
  }
  astimezone(zone: TimeZone): PyDateTime {
    const instant = this.timestamp() * 1000;
    return new PyDateTime(instant + zone.offsetAt(instant) * 60_000, this.micro, zone);
  }
  replace(...args: unknown[]): PyDateTime {
    const { kwargs } = splitArgs(args);
    const pick = (key: string, value: number): number =>
      kwargs[key] === undefined ? value : Number(kwargs[key]);
    const wall = Date.UTC(
      pick('year', this.year),
      pick('month', this.month) - 1,
      pick('day', this.day),
      pick('hour', this.hour),
      pick('minute', this.minute),
      pick('second', this.second),
      Math.floor(pick('microsecond', this.microsecond) / 1000),
    );
    const tz = 'tzinfo' in kwargs ? ((kwargs['tzinfo'] as TimeZone | null) ?? null) : this.tzinfo;
    return new PyDateTime(wall, pick('microsecond', this.microsecond) % 1000, tz, this.dateOnly);
  }
  strftime(format: unknown): string {
    return strftime(this, String(format));
  }
  isoformat(separator: unknown = 'T'): string {
    const date = `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
    if (this.dateOnly) return date;
    const fraction = this.microsecond ? `.${pad(this.microsecond, 6)}` : '';
    const offset = this.tzinfo ? formatOffset(this.tzinfo.offsetForWall(this.wall), ':') : '';
    return `${date}${String(separator)}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${fraction}${offset}`;
  }
  __add__(other: unknown): PyDateTime {
    if (!(other instanceof PyTimedelta))
      throw new CompilerError('a date or datetime can only be added to a timedelta');
    return new PyDateTime(this.wall + other.ms, this.micro, this.tzinfo, this.dateOnly);
  }
  __sub__(other: unknown): PyDateTime | PyTimedelta {
    if (other instanceof PyTimedelta)
      return new PyDateTime(this.wall - other.ms, this.micro, this.tzinfo, this.dateOnly);
    if (other instanceof PyDateTime)
      return new PyTimedelta(this.timestamp() * 1000 - other.timestamp() * 1000);
    throw new CompilerError('only a timedelta or a datetime can be subtracted from a datetime');
  }
  /** A number when compared (`<`), its text when printed or joined. */
  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'number' ? this.timestamp() * 1000 : this.toString();
  }
  __eq__(other: unknown): boolean {
    if (!(other instanceof PyDateTime) || other.dateOnly !== this.dateOnly) return false;
    if ((this.tzinfo === null) !== (other.tzinfo === null)) return false;
    return this.tzinfo === null
      ? this.wall === other.wall && this.micro === other.micro
      : this.timestamp() === other.timestamp() && this.micro === other.micro;
  }
  toString(): string {
    return this.isoformat(' ');
  }
}

function strptime(text: string, format: string): PyDateTime {
  const fields: string[] = [];
  const widths: Record<string, string> = {
    Y: '(\\d{4})',
    y: '(\\d{2})',
    m: '(\\d{1,2})',
    d: '(\\d{1,2})',
    H: '(\\d{1,2})',
    M: '(\\d{1,2})',
    S: '(\\d{1,2})',
    f: '(\\d{1,6})',
    b: '([A-Za-z]{3})',
    B: '([A-Za-z]+)',
    '%': '%',
  };
  const source = format
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%(.)/g, (whole, code: string) => {
      if (!widths[code])
        throw new CompilerError(`strptime: the directive %${code} is not supported`);
      if (code !== '%') fields.push(code);
      return widths[code]!;
    });
  const found = new RegExp(`^${source}$`).exec(text);
  if (!found)
    throw new CompilerError(
      `time data ${JSON.stringify(text)} does not match format ${JSON.stringify(format)}`,
    );
  const parts: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0, f: 0 };
  fields.forEach((code, i) => {
    const raw = found[i + 1]!;
    if (code === 'b' || code === 'B')
      parts['m'] =
        MONTHS.findIndex((m) => m.toLowerCase().startsWith(raw.toLowerCase().slice(0, 3))) + 1;
    else if (code === 'y') parts['Y'] = 2000 + Number(raw) - (Number(raw) >= 69 ? 100 : 0);
    else if (code === 'f') parts['f'] = Number(raw.padEnd(6, '0'));
    else parts[code] = Number(raw);
  });
  return new PyDateTime(
    Date.UTC(
      parts['Y']!,
      parts['m']! - 1,
      parts['d']!,
      parts['H']!,
      parts['M']!,
      parts['S']!,
      Math.floor(parts['f']! / 1000),
    ),
    parts['f']! % 1000,
  );
}

function fromIso(text: unknown, dateOnly: boolean): PyDateTime {
  const found =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      String(text),
    );
  if (!found) throw new CompilerError(`Invalid isoformat string: ${JSON.stringify(text)}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', f = '0', zone] = found;
  const tz =
    zone === undefined
      ? null
      : new FixedOffset(
          zone === 'Z'
            ? 0
            : (zone.startsWith('-') ? -1 : 1) *
                (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))),
        );
  const micro = Number(f.padEnd(6, '0'));
  return new PyDateTime(
    Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, Math.floor(micro / 1000)),
    micro % 1000,
    tz,
    dateOnly,
  );
}

const UTC = new FixedOffset(0);

/** `run_started_at`: an aware UTC datetime, as dbt gives it. */
export function utcDateTime(iso: string): PyDateTime {
  return new PyDateTime(Date.parse(iso), 0, UTC);
}

function nowIn(zone: unknown): PyDateTime {
  const instant = Date.now();
  if (zone instanceof TimeZone)
    return new PyDateTime(instant + zone.offsetAt(instant) * 60_000, 0, zone);
  // A naive now() is the machine's local time, as in Python.
  return new PyDateTime(instant - new Date(instant).getTimezoneOffset() * 60_000);
}

/** The `datetime` and `pytz` modules. */
export function pythonDatetime(): {
  datetime: Record<string, unknown>;
  pytz: Record<string, unknown>;
} {
  const makeDateTime = (...args: unknown[]): PyDateTime => {
    const { positional, kwargs } = splitArgs(args);
    const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'];
    const [y, mo, d, h, mi, s, us] = names.map((name, i) =>
      Number(kwargs[name] ?? positional[i] ?? (i < 3 && i > 0 ? 1 : 0)),
    ) as [number, number, number, number, number, number, number];
    return new PyDateTime(
      Date.UTC(y, mo - 1, d, h, mi, s, Math.floor(us / 1000)),
      us % 1000,
      (kwargs['tzinfo'] ?? positional[7] ?? null) as TimeZone | null,
    );
  };
  const datetime = Object.assign(makeDateTime, {
    now: (zone?: unknown) => nowIn(zone),
    utcnow: () => new PyDateTime(Date.now()),
    today: () => nowIn(undefined),
    strptime: (text: unknown, format: unknown) => strptime(String(text), String(format)),
    fromisoformat: (text: unknown) => fromIso(text, false),
    fromtimestamp: (seconds: unknown) =>
      nowIn(undefined).replace() && new PyDateTime(Number(seconds) * 1000),
  });
  const date = Object.assign(
    (...args: unknown[]) => {
      const { positional, kwargs } = splitArgs(args);
      const [y, m, d] = ['year', 'month', 'day'].map((name, i) =>
        Number(kwargs[name] ?? positional[i]),
      );
      return new PyDateTime(Date.UTC(y!, m! - 1, d!), 0, null, true);
    },
    { today: () => nowIn(undefined).date(), fromisoformat: (text: unknown) => fromIso(text, true) },
  );
  const timedelta = (...args: unknown[]): PyTimedelta => {
    const { positional, kwargs } = splitArgs(args);
    const get = (key: string, index: number): number =>
      Number(kwargs[key] ?? positional[index] ?? 0);
    const ms =
      get('days', 0) * DAY_MS +
      get('seconds', 1) * 1000 +
      get('microseconds', 2) / 1000 +
      get('milliseconds', 3) +
      get('minutes', 4) * 60_000 +
      get('hours', 5) * 3_600_000 +
      get('weeks', 6) * 7 * DAY_MS;
    return new PyTimedelta(ms);
  };
  const utc = new TimeZone('UTC');
  const timezone = (name: unknown): TimeZone => {
    try {
      return new TimeZone(String(name));
    } catch {
      throw new CompilerError(`pytz: unknown time zone ${JSON.stringify(name)}`);
    }
  };
  return {
    datetime: {
      datetime,
      date,
      timedelta,
      timezone: Object.assign(
        (delta: unknown) => new FixedOffset(delta instanceof PyTimedelta ? delta.ms / 60_000 : 0),
        { utc: new FixedOffset(0) },
      ),
    },
    pytz: { timezone, utc, UTC: utc },
  };
}
