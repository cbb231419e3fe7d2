import { graphlib, layout } from '@dagrejs/dagre';
import type { DocsData, DocsNode } from './docs-data.js';
import { el, nodeHref, svg } from './dom.js';
import { makeGraph, reachable, selectNodes, type Graph } from './select-nodes.js';

/** The layers left to right; a node's colour and its place in the legend. */
export const LAYERS = ['landing', 'bronze', 'silver', 'gold', 'audit', 'snapshot', 'test'];

const NODE_HEIGHT = 26;
const charWidth = 7.2;

export interface LineageOptions {
  readonly select: string;
  readonly exclude: string;
  readonly focus: string | null;
  readonly showTests: boolean;
}

/**
 * The lineage graph: dagre lays out the selected nodes left to right (edges point downstream);
 * each node is an SVG group with `data-id`, each edge a path with `data-from` and `data-to`.
 * A click opens the node's page; the focused node (and hovering a node) lights up its upstream
 * and downstream. Wheel zooms, dragging pans.
 */
export function renderLineage(data: DocsData, options: LineageOptions): HTMLElement {
  const graph = makeGraph(data.nodes, data.edges);
  let shown = selectNodes(graph, options.select, options.exclude);
  if (!options.showTests)
    shown = new Set([...shown].filter((id) => graph.nodes.get(id)?.resourceType !== 'test'));
  const layoutGraph = new graphlib.Graph();
  layoutGraph.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 70, marginx: 20, marginy: 20 });
  layoutGraph.setDefaultEdgeLabel(() => ({}));
  for (const id of shown) {
    const node = graph.nodes.get(id)!;
    layoutGraph.setNode(id, {
      width: Math.max(80, node.name.length * charWidth + 28),
      height: NODE_HEIGHT,
    });
  }
  const edges = data.edges.filter(([from, to]) => shown.has(from) && shown.has(to));
  for (const [from, to] of edges) layoutGraph.setEdge(from, to);
  orderLayers(
    layoutGraph,
    [...shown].map((id) => graph.nodes.get(id)!),
  );
  layout(layoutGraph);
  const { width = 0, height = 0 } = layoutGraph.graph();
  const canvas = svg('svg', {
    class: 'lineage-svg',
    width: '100%',
    height: '100%',
    'data-nodes': shown.size,
    'data-edges': edges.length,
  });
  const viewport = svg('g', { class: 'viewport' });
  canvas.appendChild(svg('defs')).appendChild(arrowMarker());
  canvas.appendChild(viewport);
  const edgeLayer = viewport.appendChild(svg('g', { class: 'edges' }));
  const nodeLayer = viewport.appendChild(svg('g', { class: 'nodes' }));
  for (const [from, to] of edges)
    edgeLayer.appendChild(edgePath(from, to, layoutGraph.edge(from, to).points ?? []));
  for (const id of shown)
    nodeLayer.appendChild(nodeGroup(graph.nodes.get(id)!, layoutGraph.node(id)));
  const highlight = (id: string | null): void =>
    highlightAround(canvas, graph, id ?? options.focus);
  canvas.addEventListener('mouseover', (event) => highlight(nodeIdOf(event.target)));
  canvas.addEventListener('mouseleave', () => highlight(null));
  highlight(null);
  const view = enablePanZoom(
    canvas,
    viewport,
    width,
    height,
    options.focus ? layoutGraph.node(options.focus) : undefined,
  );
  const controls = zoomControls(view);
  const frame = el('div', { class: 'lineage-frame' }, controls, canvas);
  const empty =
    shown.size === 0 ? el('p', { class: 'empty' }, 'No node matches this selection.') : null;
  return el('div', { class: 'lineage' }, legend(), empty, frame);
}

/** An edge as a path with its ends as attributes, an arrow at the downstream end. */
function edgePath(
  from: string,
  to: string,
  points: readonly { x: number; y: number }[],
): SVGPathElement {
  const d = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
    .join(' ');
  return svg('path', {
    class: 'edge',
    d,
    'data-from': from,
    'data-to': to,
    'marker-end': 'url(#arrow)',
  });
}

function zoomControls(view: PanZoom): HTMLElement {
  return el(
    'div',
    { class: 'zoom' },
    el(
      'button',
      { type: 'button', 'aria-label': 'zoom in', onclick: () => view.zoomBy(1.25) },
      '+',
    ),
    el(
      'button',
      { type: 'button', 'aria-label': 'zoom out', onclick: () => view.zoomBy(0.8) },
      '−',
    ),
    el('button', { type: 'button', 'aria-label': 'fit', onclick: () => view.fit(false) }, 'fit'),
  );
}

/** The layers that must come in this order left to right, whatever the edges say. */
const ORDERED_LAYERS = ['landing', 'bronze', 'silver', 'gold', 'audit'];

/**
 * Puts each ordered layer in columns right of the one before it: an invisible node between two
 * consecutive layers, with an edge from every node of the first to it and from it to every node of
 * the second (weight 0, so that it does not pull the drawing). Linear in nodes, unlike all pairs.
 */
function orderLayers(
  layoutGraph: InstanceType<typeof graphlib.Graph>,
  nodes: readonly DocsNode[],
): void {
  const present = ORDERED_LAYERS.map((layer) =>
    nodes.filter((node) => node.layer === layer),
  ).filter((members) => members.length > 0);
  for (let index = 1; index < present.length; index += 1) {
    const gate = `__layer_gate_${index}`;
    layoutGraph.setNode(gate, { width: 0, height: 0 });
    for (const node of present[index - 1]!)
      layoutGraph.setEdge(node.id, gate, { weight: 0, minlen: 1 });
    for (const node of present[index]!)
      layoutGraph.setEdge(gate, node.id, { weight: 0, minlen: 1 });
  }
}

function nodeIdOf(target: EventTarget | null): string | null {
  const group = target instanceof Element ? target.closest('g.node') : null;
  return group?.getAttribute('data-id') ?? null;
}

function nodeGroup(
  node: DocsNode,
  box: { x: number; y: number; width: number; height: number },
): SVGGElement {
  const layer = LAYERS.includes(node.layer) ? node.layer : 'other';
  const group = svg('g', {
    class: `node layer-${layer}`,
    'data-id': node.id,
    'data-name': node.name,
    'data-layer': node.layer,
    tabindex: 0,
    role: 'link',
    transform: `translate(${(box.x - box.width / 2).toFixed(1)},${(box.y - box.height / 2).toFixed(1)})`,
  });
  const title = svg('title');
  title.textContent = `${node.resourceType} ${node.id}${node.lastRun ? ` (${node.lastRun.status})` : ''}`;
  group.appendChild(title);
  group.appendChild(svg('rect', { width: box.width, height: box.height, rx: 5 }));
  const status = node.lastRun?.status;
  if (status && status !== 'success' && status !== 'pass')
    group.appendChild(
      svg('circle', { class: `status status-${status}`, cx: box.width - 8, cy: 8, r: 4 }),
    );
  const label = svg('text', { x: 10, y: box.height / 2 + 4 });
  label.textContent = node.name;
  group.appendChild(label);
  const open = (): void => {
    location.hash = nodeHref(node.id);
  };
  group.addEventListener('click', open);
  group.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') open();
  });
  return group;
}

/** Lights `id`, its ancestors and its descendants; dims the rest. `null` clears. */
function highlightAround(canvas: SVGSVGElement, graph: Graph, id: string | null): void {
  const up = id ? reachable(id, graph.parents) : new Set<string>();
  const down = id ? reachable(id, graph.children) : new Set<string>();
  const lit = (node: string): boolean => node === id || up.has(node) || down.has(node);
  canvas.classList.toggle('focused', id !== null);
  for (const group of canvas.querySelectorAll<SVGGElement>('g.node')) {
    const node = group.getAttribute('data-id')!;
    group.classList.toggle('selected', node === id);
    group.classList.toggle('upstream', up.has(node));
    group.classList.toggle('downstream', down.has(node));
    group.classList.toggle('lit', id !== null && lit(node));
  }
  for (const path of canvas.querySelectorAll<SVGPathElement>('path.edge')) {
    const from = path.getAttribute('data-from')!;
    const to = path.getAttribute('data-to')!;
    path.classList.toggle(
      'lit',
      id !== null && lit(from) && lit(to) && (up.has(from) || from === id || down.has(to)),
    );
  }
}

function arrowMarker(): SVGMarkerElement {
  const marker = svg('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 10,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto',
  });
  marker.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }));
  return marker;
}

function legend(): HTMLElement {
  return el(
    'ul',
    { class: 'legend' },
    ...LAYERS.map((layer) => el('li', {}, el('span', { class: `swatch layer-${layer}` }), layer)),
  );
}

interface PanZoom {
  zoomBy(factor: number): void;
  /** The whole graph, or (`centreFocus`) the focused node in the middle at a readable size. */
  fit(centreFocus: boolean): void;
}

/** Wheel zoom around the pointer, buttons, and drag to pan, by the viewport group's transform. */
function enablePanZoom(
  canvas: SVGSVGElement,
  viewport: SVGGElement,
  width: number,
  height: number,
  focus: { x: number; y: number } | undefined,
): PanZoom {
  let scale = 1;
  let x = 0;
  let y = 0;
  const apply = (): void =>
    viewport.setAttribute('transform', `translate(${x},${y}) scale(${scale})`);
  const zoomAt = (px: number, py: number, factor: number): void => {
    const next = Math.min(4, Math.max(0.1, scale * factor));
    x = px - ((px - x) * next) / scale;
    y = py - ((py - y) * next) / scale;
    scale = next;
    apply();
  };
  const fit = (centreFocus: boolean): void => {
    const box = canvas.getBoundingClientRect();
    scale = Math.min(
      1.2,
      Math.max(0.2, Math.min(box.width / (width || 1), box.height / (height || 1))),
    );
    if (centreFocus && focus) {
      scale = Math.max(scale, 0.9);
      x = box.width / 2 - focus.x * scale;
      y = box.height / 2 - focus.y * scale;
    } else {
      x = (box.width - width * scale) / 2;
      y = Math.max(0, (box.height - height * scale) / 2);
    }
    apply();
  };
  // Once the frame has a size.
  requestAnimationFrame(() => fit(true));
  canvas.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const box = canvas.getBoundingClientRect();
      zoomAt(event.clientX - box.left, event.clientY - box.top, Math.exp(-event.deltaY * 0.0015));
    },
    { passive: false },
  );
  let drag: { px: number; py: number; x: number; y: number } | null = null;
  canvas.addEventListener('pointerdown', (event) => {
    if (nodeIdOf(event.target) !== null) return;
    drag = { px: event.clientX, py: event.clientY, x, y };
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drag) return;
    x = drag.x + event.clientX - drag.px;
    y = drag.y + event.clientY - drag.py;
    apply();
  });
  canvas.addEventListener('pointerup', () => {
    drag = null;
  });
  return {
    fit,
    zoomBy: (factor) => {
      const box = canvas.getBoundingClientRect();
      zoomAt(box.width / 2, box.height / 2, factor);
    },
  };
}
