// Python's `strftime` directives, over what a date or datetime exposes.

/** What `strftime` reads of a Python date or datetime. */
interface DateTimeParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly tzinfo: { readonly zone: string; offsetForWall(wall: number): number } | null;
  readonly wall: number;
  weekday(): number;
  date(): { readonly wall: number };
}

const DAY_MS = 86_400_000;
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

export function formatOffset(minutes: number, separator = ''): string {
  const sign = minutes < 0 ? '-' : '+';
  const value = Math.abs(minutes);
  return `${sign}${pad(Math.floor(value / 60))}${separator}${pad(value % 60)}`;
}

/** The ISO 8601 year and week of a date (weeks start on Monday; week 1 holds the first Thursday). */
function isoWeek(value: DateTimeParts): { year: number; week: number } {
  const day = value.date().wall;
  const thursday = day + (3 - value.weekday()) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  return { year, week: Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1 };
}

export function strftime(value: DateTimeParts, format: string): string {
  const yearDay = (): number =>
    Math.floor((value.date().wall - Date.UTC(value.year, 0, 1)) / DAY_MS);
  const directives: Record<string, () => string> = {
    Y: () => pad(value.year, 4),
    y: () => pad(value.year % 100),
    m: () => pad(value.month),
    d: () => pad(value.day),
    H: () => pad(value.hour),
    I: () => pad(value.hour % 12 || 12),
    p: () => (value.hour < 12 ? 'AM' : 'PM'),
    M: () => pad(value.minute),
    S: () => pad(value.second),
    f: () => pad(value.microsecond, 6),
    j: () => pad(yearDay() + 1, 3),
    e: () => String(value.day).padStart(2, ' '),
    // Weeks before the year's first Sunday (U) or Monday (W) are week 0.
    U: () => pad(Math.floor((yearDay() + 7 - ((value.weekday() + 1) % 7)) / 7)),
    W: () => pad(Math.floor((yearDay() + 7 - value.weekday()) / 7)),
    V: () => pad(isoWeek(value).week),
    G: () => pad(isoWeek(value).year, 4),
    u: () => String(value.weekday() + 1),
    // The C locale's forms, which is what dbt's Python prints.
    c: () => strftime(value, '%a %b %e %H:%M:%S %Y'),
    x: () => strftime(value, '%m/%d/%y'),
    X: () => strftime(value, '%H:%M:%S'),
    a: () => DAYS[value.weekday()]!.slice(0, 3),
    A: () => DAYS[value.weekday()]!,
    b: () => MONTHS[value.month - 1]!.slice(0, 3),
    B: () => MONTHS[value.month - 1]!,
    w: () => String((value.weekday() + 1) % 7),
    z: () => (value.tzinfo ? formatOffset(value.tzinfo.offsetForWall(value.wall)) : ''),
    Z: () => value.tzinfo?.zone ?? '',
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (whole, code: string) => directives[code]?.() ?? whole);
}
