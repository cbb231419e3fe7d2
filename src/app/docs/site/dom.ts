// Small DOM builders: every text of the project goes in through textContent, never as HTML.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** `el('a', { href: '#/' }, 'home')`: an element with attributes, listeners (`on…`) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** A table of `rows` under `headers`; a cell may be a node. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
  attributes: Attributes = {},
): HTMLTableElement {
  return el(
    'table',
    attributes,
    el('thead', {}, el('tr', {}, ...headers.map((header) => el('th', {}, header)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, cell))))),
  );
}

/** A status as a coloured badge: success and pass green, warn amber, error and fail red. */
export function badge(status: string | null): HTMLElement {
  const text = status ?? 'not run';
  const tone =
    text === 'success' || text === 'pass' || text === 'ok' || text === 'passed'
      ? 'good'
      : text === 'warn'
        ? 'warn'
        : text === 'error' || text === 'fail' || text === 'runtime error' || text === 'failed'
          ? 'bad'
          : 'neutral';
  return el('span', { class: `badge ${tone}`, 'data-status': text }, text);
}

/** The link to a node's page. */
export const nodeHref = (id: string): string => `#/node/${encodeURIComponent(id)}`;

export function formatNumber(value: number | null, digits = 0): string {
  if (value === null) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(2)}%`;
}
