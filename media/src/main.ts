// The layer stack webview: draws what the panel posts (client/src/layerStack/messages.ts). Every string from
// the Dockerfile or the build context is put in the page with textContent or as an attribute value of an element
// made with createElement: never parsed as HTML. Colours are VS Code theme variables (layerStack.css).
import type { DrawnBlock, DrawnEdge, DrawnStage } from '../../server/src/shared/drawn';
import type { FromWebview, PersistedState, StackView, ToWebview, WEBVIEW_STRINGS } from '../../client/src/layerStack/messages';
import { formatMessage } from '../../server/src/shared/text';
import { el, icon } from './dom';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
const svgNs = 'http://www.w3.org/2000/svg';

let view: StackView | undefined;
const restored = vscode.getState();
let selected: number | null = restored?.line ?? null;
let drawEdges: (() => void) | undefined;

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (message.type === 'show') {
    // The selection belongs to the Dockerfile it was made in (after a reload: the one the saved state names).
    const previous = view?.uri ?? restored?.uri;
    if (previous !== undefined && previous !== message.view.uri) selected = null;
    view = message.view;
    render(message.view);
  } else if (message.type === 'focusLine') {
    select(message.line, true);
  }
});
new ResizeObserver(() => drawEdges?.()).observe(app);
vscode.postMessage({ type: 'ready' });

/** The page's words in the display language the panel sent (English when it sent none). */
function t(message: (typeof WEBVIEW_STRINGS)[number], ...args: Array<string | number>): string {
  return formatMessage(view?.strings?.[message] ?? message, args);
}

function button(name: string, label: string, title: string, onClick: () => void, disabled = false): HTMLButtonElement {
  const b = el('button', 'action');
  b.type = 'button';
  b.title = title;
  b.append(icon(name), el('span', undefined, label));
  b.disabled = disabled;
  b.addEventListener('click', onClick);
  return b;
}

function render(v: StackView): void {
  const focusedLine = Number((document.activeElement as HTMLElement | null)?.dataset?.line ?? NaN);
  app.replaceChildren();
  drawEdges = undefined;
  const result = v.result;
  const head = el('header', 'head');
  const title = el('h1', 'title');
  // The file name keeps its own span: the words go around it as the translation puts them.
  const [before, after = ''] = v.fileName ? t('Layer stack of {0}').split('{0}') : [t('Layer stack')];
  title.append(icon('layers'), el('span', undefined, before), el('span', 'file', v.fileName));
  if (after) title.append(el('span', undefined, after));
  if (v.folder) title.append(el('span', 'folder', v.folder));
  head.append(title);
  if (result) {
    const meta = [
      result.builder === 'buildkit' ? 'BuildKit' : t('classic builder'),
      result.target ? t('target {0}', result.target) : '',
      t('baseline: {0}', result.baseline.label),
    ];
    head.append(el('p', 'meta', meta.filter(Boolean).join(' · ')));
  }
  app.append(head);
  if (!result || !result.model) {
    app.append(el('p', 'message', v.message ?? result?.problem ?? t('Nothing to draw.')));
    persist();
    return;
  }
  const model = result.model;
  const toolbar = el('div', 'toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', t('Simulate a change'));
  toolbar.append(
    button('files', t('Pick changed files…'), t('Pick context files to pretend they changed (F on a layer: among the files it reads)'), () =>
      vscode.postMessage({ type: 'pickFiles', line: null }),
    ),
    button(
      'edit',
      t('Pretend selected step edited'),
      t('Pretend the selected instruction was edited (E on a layer)'),
      () => selected !== null && vscode.postMessage({ type: 'simulateEdit', line: selected }),
      selected === null,
    ),
    button('discard', t('Reset'), t('Stop simulating: back to the real verdicts'), () => vscode.postMessage({ type: 'reset' }), !result.simulation),
    button('package', t('Build Image'), t('Build this Dockerfile with Docker, record the real cache, timings and sizes, and compare with the prediction'), () =>
      vscode.postMessage({ type: 'build' }),
    ),
  );
  toolbar.querySelectorAll('button')[1]?.classList.add('needs-selection');
  app.append(toolbar);
  if (result.simulation) {
    const sim = el('p', 'simulation');
    sim.append(icon('target'), el('span', undefined, t('Simulating: {0}', result.simulation.label)));
    app.append(sim);
  }
  const summary = el('p', 'summary', model.summary.text);
  summary.setAttribute('role', 'status');
  summary.setAttribute('aria-live', 'polite');
  app.append(summary);
  app.append(el('p', 'hint', t('Click or Enter: go to the line · E: pretend the step was edited · F: pick changed files it reads · arrow keys: move')));

  const stages = el('div', 'stages');
  const svg = document.createElementNS(svgNs, 'svg');
  svg.classList.add('edges');
  svg.setAttribute('aria-hidden', 'true');
  stages.append(svg);
  const labels = new Map(model.stages.map((s) => [s.index, s.label]));
  for (const stage of model.stages) stages.append(renderStage(stage, labels));
  app.append(stages);
  drawEdges = () => renderEdges(svg, stages, model.edges);
  requestAnimationFrame(() => drawEdges?.());
  if (!Number.isNaN(focusedLine)) blockAt(focusedLine)?.focus();
  if (selected !== null) blockAt(selected)?.classList.add('selected');
  persist();
}

function renderStage(stage: DrawnStage, labels: Map<number, string>): HTMLElement {
  const section = el('section', `stage${stage.needed ? '' : ' dimmed'}${stage.target ? ' target' : ''}`);
  section.dataset.stage = String(stage.index);
  const heading = el('h2', 'stage-title');
  heading.append(el('span', 'stage-name', /^\d+$/.test(stage.label) ? t('stage {0}', stage.label) : stage.label));
  if (stage.target) heading.append(el('span', 'badge', t('target')));
  if (!stage.needed) heading.append(el('span', 'badge muted', t('not built for the target')));
  const stageLabel = stage.target
    ? stage.needed
      ? t('Stage {0}, the target', stage.label)
      : t('Stage {0}, the target, not built for the target', stage.label)
    : stage.needed
      ? t('Stage {0}', stage.label)
      : t('Stage {0}, not built for the target', stage.label);
  section.setAttribute('aria-label', stageLabel);
  section.append(heading);
  const stack = el('ol', 'stack');
  if (stage.container) {
    const container = el('li', 'container');
    container.append(icon('vm'), el('span', undefined, t('writable container layer (docker run)')));
    stack.append(container);
  }
  for (const block of [...stage.blocks].reverse()) stack.append(renderBlock(block, labels));
  stack.append(renderBlock(stage.base, labels));
  section.append(stack);
  return section;
}

function renderBlock(block: DrawnBlock, labels: Map<number, string>): HTMLElement {
  const li = el('li', `block ${block.kind} status-${block.status}${block.size === 'unknown' ? ' unknown-size' : ''}`);
  li.tabIndex = 0;
  li.dataset.line = String(block.line);
  li.setAttribute('role', 'button');
  li.setAttribute('aria-keyshortcuts', 'Enter E F');
  const from = block.fromStage !== undefined ? labels.get(block.fromStage) : undefined;
  li.setAttribute(
    'aria-label',
    `${t('Line {0} {1}: {2}, {3}. {4}.', block.line, block.text, block.verdict, block.reason, block.sizeText)}${from ? ` ${t('Reads stage {0}.', from)}` : ''}`,
  );
  li.title = `${block.verdict}: ${block.reason}\n${block.sizeText}`;
  if (block.kind === 'layer' || block.kind === 'base') {
    const px = block.weight === null ? 52 : 40 + Math.round(block.weight * 56);
    li.style.setProperty('min-height', `${px}px`);
  }
  const top = el('div', 'row');
  const verdict = el('span', 'verdict');
  verdict.append(icon(block.icon), el('span', 'verdict-text', block.verdict));
  const text = el('code', 'instruction', block.text);
  top.append(verdict, text, el('span', 'line', t('line {0}', block.line)));
  li.append(top);
  if (block.kind !== 'metadata') {
    const bottom = el('div', 'row detail');
    bottom.append(el('span', 'reason', block.reason), el('span', 'size', block.sizeText));
    li.append(bottom);
  }
  if (from !== undefined) {
    const chip = el('div', 'from');
    chip.append(icon('arrow-right'), el('span', undefined, t('reads stage {0}', from)));
    li.append(chip);
  }
  li.addEventListener('click', () => {
    select(block.line, false);
    vscode.postMessage({ type: 'reveal', line: block.line });
  });
  li.addEventListener('focus', () => select(block.line, false));
  li.addEventListener('keydown', (event) => onBlockKey(event, li, block));
  return li;
}

function onBlockKey(event: KeyboardEvent, li: HTMLElement, block: DrawnBlock): void {
  const blocks = [...document.querySelectorAll<HTMLElement>('.block')];
  const inStage = [...(li.parentElement?.querySelectorAll<HTMLElement>('.block') ?? [])];
  let next: HTMLElement | undefined;
  switch (event.key) {
    case 'Enter':
    case ' ':
      vscode.postMessage({ type: 'reveal', line: block.line });
      break;
    case 'e':
    case 'E':
      vscode.postMessage({ type: 'simulateEdit', line: block.line });
      break;
    case 'f':
    case 'F':
      vscode.postMessage({ type: 'pickFiles', line: block.line });
      break;
    case 'ArrowUp':
      next = inStage[inStage.indexOf(li) - 1];
      break;
    case 'ArrowDown':
      next = inStage[inStage.indexOf(li) + 1];
      break;
    case 'ArrowLeft':
    case 'ArrowRight':
      next = nearestInNextStage(li, event.key === 'ArrowLeft' ? -1 : 1);
      break;
    case 'Home':
      next = blocks[0];
      break;
    case 'End':
      next = blocks[blocks.length - 1];
      break;
    default:
      return;
  }
  event.preventDefault();
  next?.focus();
}

/** The block at about the same height in the stage to the left or right. */
function nearestInNextStage(li: HTMLElement, direction: -1 | 1): HTMLElement | undefined {
  const sections = [...document.querySelectorAll<HTMLElement>('.stage')];
  const section = sections[sections.indexOf(li.closest('.stage') as HTMLElement) + direction];
  if (!section) return undefined;
  const y = li.getBoundingClientRect().top;
  const candidates = [...section.querySelectorAll<HTMLElement>('.block')];
  return candidates.sort((a, b) => Math.abs(a.getBoundingClientRect().top - y) - Math.abs(b.getBoundingClientRect().top - y))[0];
}

function blockAt(line: number): HTMLElement | null {
  return document.querySelector<HTMLElement>(`.block[data-line="${line}"]`);
}

function select(line: number, focus: boolean): void {
  selected = line;
  for (const b of document.querySelectorAll('.block.selected')) b.classList.remove('selected');
  const block = blockAt(line);
  block?.classList.add('selected');
  if (focus) {
    block?.focus();
    block?.scrollIntoView({ block: 'nearest' });
  }
  const edit = document.querySelector<HTMLButtonElement>('.toolbar .needs-selection');
  if (edit) edit.disabled = false;
  persist();
}

function persist(): void {
  if (view?.uri) vscode.setState({ uri: view.uri, line: selected });
}

/** Arrows from a stage (its top layer) to the block that reads it, drawn over the stages. */
function renderEdges(svg: SVGSVGElement, container: HTMLElement, edges: DrawnEdge[]): void {
  svg.replaceChildren();
  const box = container.getBoundingClientRect();
  svg.setAttribute('width', String(container.scrollWidth));
  svg.setAttribute('height', String(container.scrollHeight));
  const defs = document.createElementNS(svgNs, 'defs');
  const marker = document.createElementNS(svgNs, 'marker');
  for (const [k, v] of Object.entries({
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: '9',
    refY: '5',
    markerWidth: '7',
    markerHeight: '7',
    orient: 'auto-start-reverse',
  }))
    marker.setAttribute(k, v);
  const head = document.createElementNS(svgNs, 'path');
  head.setAttribute('d', 'M 0 0 L 10 5 L 0 10 z');
  head.classList.add('arrow-head');
  marker.append(head);
  defs.append(marker);
  svg.append(defs);
  edges.forEach((edge, lane) => {
    const source = container.querySelector<HTMLElement>(`.stage[data-stage="${edge.from}"] .block`);
    const target = container.querySelector<HTMLElement>(`.stage[data-stage="${edge.to}"] .block[data-line="${edge.line}"]`);
    if (!source || !target) return;
    const s = source.getBoundingClientRect();
    const t = target.getBoundingClientRect();
    const y1 = s.top + Math.min(18, s.height / 2) - box.top;
    const y2 = t.top + Math.min(18, t.height / 2) - box.top;
    let d: string;
    if (Math.abs(s.left - t.left) < 8) {
      // Stages stacked in one column (a narrow panel): loop out to the right of the blocks and back in.
      const x1 = s.right - box.left;
      const x2 = t.right - box.left;
      // One lane per arrow, so that arrows sharing the gutter stay apart.
      const out = Math.max(x1, x2) + 10 + 8 * (lane % 3);
      d = `M ${x1} ${y1} C ${out} ${y1}, ${out} ${y2}, ${x2} ${y2}`;
    } else {
      const rightwards = s.left < t.left;
      const x1 = (rightwards ? s.right : s.left) - box.left;
      const x2 = (rightwards ? t.left : t.right) - box.left;
      const bend = Math.max(24, Math.abs(x2 - x1) / 2) * (rightwards ? 1 : -1);
      d = `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
    }
    const path = document.createElementNS(svgNs, 'path');
    path.setAttribute('d', d);
    path.setAttribute('marker-end', 'url(#arrow)');
    path.classList.add('edge', `edge-${edge.kind}`);
    const tip = document.createElementNS(svgNs, 'title');
    tip.textContent = `${edge.text} (line ${edge.line})`;
    path.append(tip);
    svg.append(path);
  });
}
