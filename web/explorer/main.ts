// The explorer's page: a run picker, the run's map drawn by regl-scatterplot (WebGL) coloured by
// label, and the decoded image of any place clicked (also between points), fetched from the
// server's API. Bundled by esbuild (src/serve/assets.ts); it fetches nothing but its own server.
import createScatterplot from 'regl-scatterplot';
import { LinearScale, mapRenderer, paddedBounds, palette, pointsOf } from './plot.js';
import { createComparison, type Comparison } from './compare.js';
import { describeProgress, fetchMap } from './api.js';
import { moveFromFrames } from './motion.js';

interface RunSummary { id: string; name: string | null; model: string; dataset: string; status: string; latent: number | null }
interface MapReply { run: string; method: string; source: string; kind: 'test' | 'prior'; inverse: string; latent: number; conditional: boolean; generative: boolean; codeMean: number[]; codeStd: number[]; x: number[]; y: number[]; labels: number[] | null; classes: string[] | null }
interface Decoded { x: number; y: number; inverse: string; code: number[]; nearestDistance: number | null }

/** What the browser test reads: the map, the view's scales and the last decode. */
interface ExplorerState { plot: ReturnType<typeof createScatterplot>; motion: ReturnType<typeof moveFromFrames>; comparison: Comparison; map: MapReply | null; ready: boolean; decodes: number; last: Decoded | null; strips: number; selection: number[]; selections: number; traversals: number; neighbors: { latent: number[]; pixel: number[] } | null; colouredBy: string; priors: number; progress: number; found: number[] | null; screenOf(index: number): [number, number] | null; placeAt(px: number, py: number): [number, number]; domains(): { x: [number, number]; y: [number, number] } }
declare global { interface Window { explorer: ExplorerState } }

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const runPicker = element<HTMLSelectElement>('run');
const methodPicker = element<HTMLSelectElement>('method');
const sourcePicker = element<HTMLSelectElement>('source');
const progressBar = element<HTMLProgressElement>('progress');
const statusLine = element<HTMLSpanElement>('status');
const canvas = element<HTMLCanvasElement>('map');
const decodedImage = element<HTMLImageElement>('decoded');
const decodedInfo = element<HTMLParagraphElement>('decoded-info');
const sampleImage = element<HTMLImageElement>('sample');
const sampleInfo = element<HTMLParagraphElement>('sample-info');
const sampleCaption = element<HTMLElement>('sample-caption');
const searchInput = element<HTMLInputElement>('search');
const searchInfo = element<HTMLSpanElement>('search-info');
const legend = element<HTMLDivElement>('legend');
const stepsInput = element<HTMLInputElement>('steps');
const classChoice = element<HTMLLabelElement>('class-choice');
const colourPicker = element<HTMLSelectElement>('colour');
const highlightPicker = element<HTMLSelectElement>('highlight');
const traversalImage = element<HTMLImageElement>('traversal');
const sliders = element<HTMLDivElement>('sliders');
const priorPanel = element<HTMLElement>('prior-panel');
const priorButton = element<HTMLButtonElement>('prior-button');
const priorImage = element<HTMLImageElement>('prior');
const neighborsLatent = element<HTMLImageElement>('neighbors-latent');
const neighborsPixel = element<HTMLImageElement>('neighbors-pixel');
const neighborsInfo = element<HTMLParagraphElement>('neighbors-info');
const labelPicker = element<HTMLSelectElement>('label');
const pathPicker = element<HTMLSelectElement>('path');
const stripImage = element<HTMLImageElement>('strip');
const stripInfo = element<HTMLParagraphElement>('strip-info');
const selectionImage = element<HTMLImageElement>('selection');
const selectionInfo = element<HTMLParagraphElement>('selection-info');

const xScale = new LinearScale();
const yScale = new LinearScale();
/**
 * ?fast: regl-scatterplot's performance mode (square points, no alpha blending), for large maps
 * in software-rendered WebGL; see README (speed).
 */
const performanceMode = new URLSearchParams(location.search).has('fast');
const renderer = mapRenderer(canvas.clientWidth || 600, canvas.clientHeight || 600);
const motion = moveFromFrames(renderer);
const scatterplot = createScatterplot({
  renderer,
  canvas,
  width: canvas.clientWidth || 600,
  height: canvas.clientHeight || 600,
  pointSize: 4,
  opacity: 0.8,
  performanceMode,
  pointColor: palette,
  colorBy: 'valueA',
  lassoInitiator: false,
  xScale,
  yScale,
} as Parameters<typeof createScatterplot>[0]);
motion.track(canvas, scatterplot);

const comparePicker = element<HTMLSelectElement>('compare');
let runList: RunSummary[] = [];
const datasetOf = (id: string) => runList.find((run) => run.id === id)?.dataset;
const comparison = createComparison(renderer, motion, element<HTMLElement>('compare-section'), element<HTMLCanvasElement>('map2'), element<HTMLParagraphElement>('compare-status'), (points) => {
  // A selection made in the second map: the same samples in the first, shown in the panels.
  if (points.length === 0) scatterplot.deselect({ preventEvent: true });
  else scatterplot.select(points, { preventEvent: true });
  void showSelection(points);
});

const state: ExplorerState = {
  plot: scatterplot,
  motion,
  comparison,
  map: null,
  ready: false,
  decodes: 0,
  last: null,
  strips: 0,
  selection: [],
  selections: 0,
  traversals: 0,
  neighbors: null,
  colouredBy: 'label',
  priors: 0,
  progress: 0,
  found: null,
  screenOf: (index) => scatterplot.getScreenPosition(index) ?? null,
  placeAt,
  domains: () => ({ x: xScale.domain(), y: yScale.domain() }),
};
window.explorer = state;

let bounds = { x0: -1, x1: 1, y0: -1, y1: 1 };
let decodeSerial = 0;
let currentPoints: number[][] = [];
// Viridis in ten steps: a continuous value (error, a latent coordinate) from low (purple) to high (yellow).
const ramp = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
let stripSerial = 0;
/** The last two places clicked, oldest first: the ends of the interpolation strip. */
let places: [number, number][] = [];
let hoverSerial = 0;

function setStatus(text: string, kind: '' | 'busy' | 'error' = ''): void {
  statusLine.textContent = text;
  statusLine.className = kind;
}

async function api(path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(path, init);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `${response.status} ${response.statusText}`);
  }
  return response;
}

async function getJson<T>(path: string): Promise<T> {
  return (await (await api(path)).json()) as T;
}

async function loadRuns(): Promise<void> {
  const { runs } = await getJson<{ runs: RunSummary[] }>('/api/runs');
  runPicker.replaceChildren(
    ...runs.map((run) => {
      const option = document.createElement('option');
      option.value = run.id;
      option.textContent = `${run.name ?? run.id} · ${run.model}${run.latent ? ` (latent ${run.latent})` : ''} · ${run.dataset} · ${run.status}`;
      return option;
    }),
  );
  runList = runs;
  comparePicker.replaceChildren(new Option('—', ''), ...runs.map((run) => new Option(run.name ?? run.id, run.id)));
  const asked = new URLSearchParams(location.search).get('run');
  if (asked && runs.some((run) => run.id === asked)) runPicker.value = asked;
  if (runs.length === 0) setStatus('no autoencoder runs in this store: train one first', 'error');
  else await loadMap();
}

let mapSerial = 0;
const ganModels = ['gan', 'dcgan'];
async function loadMap(): Promise<void> {
  state.ready = false;
  const run = runPicker.value;
  const method = methodPicker.value;
  // A GAN's points are prior draws: it has no codes of the data's samples, so no map of pixels.
  const gan = ganModels.includes(runList.find((known) => known.id === run)?.model ?? '');
  sourcePicker.querySelector<HTMLOptionElement>('option[value=pixels]')!.disabled = gan;
  if (gan) sourcePicker.value = 'codes';
  const source = sourcePicker.value;
  const serial = ++mapSerial;
  setStatus(`loading the ${method || 'default'} map of ${run}…`, 'busy');
  try {
    const query = new URLSearchParams({ ...(method ? { method } : {}), ...(source !== 'codes' ? { source } : {}) }).toString();
    const map = await fetchMap<MapReply>(
      `/api/runs/${encodeURIComponent(run)}/map${query ? `?${query}` : ''}`,
      (progress) => {
        progressBar.hidden = false;
        // Determinate while encoding (samples done of total); a reduction has no count: indeterminate.
        if (progress.total) {
          progressBar.max = progress.total;
          progressBar.value = progress.done ?? 0;
        } else progressBar.removeAttribute('value');
        state.progress += 1;
        setStatus(describeProgress(progress), 'busy');
      },
      () => serial !== mapSerial,
    );
    if (map === null) return; // another map was asked for meanwhile
    progressBar.hidden = true;
    state.map = map;
    places = [];
    bounds = paddedBounds(map);
    // One scale per set(): regl-scatterplot's setXScale rewrites the y scale's domain from the old
    // y range (and setYScale the x one from the x range it has just read), so the order matters.
    xScale.domain([bounds.x0, bounds.x1]);
    await scatterplot.set({ xScale } as never);
    yScale.domain([bounds.y0, bounds.y1]);
    await scatterplot.set({ yScale } as never);
    // Normalised to [−1, 1]: regl-scatterplot's own space, where large coordinates keep their precision.
    const points = pointsOf(map, bounds);
    currentPoints = points;
    await scatterplot.set({ colorBy: 'valueA', pointColor: palette } as never);
    await scatterplot.draw(points);
    await scatterplot.reset();
    drawLegend(map);
    colourPicker.replaceChildren(
      new Option('label', 'label'),
      new Option('reconstruction error', 'error'),
      ...Array.from({ length: Math.min(map.latent, 64) }, (_, j) => new Option(`latent dimension ${j}`, `dimension:${j}`)),
    );
    highlightPicker.replaceChildren(new Option('all classes', ''), ...(map.classes ?? []).map((name, i) => new Option(name, String(i))));
    priorPanel.hidden = !map.generative;
    state.colouredBy = 'label';
    sliders.replaceChildren();
    // A conditional model decodes a code as the class chosen here.
    classChoice.hidden = !map.conditional;
    if (map.conditional) labelPicker.replaceChildren(...(map.classes ?? Array.from({ length: 10 }, (_, i) => String(i))).map((name, i) => new Option(name, String(i))));
    setStatus(`${map.x.length} ${map.kind === 'prior' ? 'prior draws (a GAN: no encoder)' : 'test codes'} · map: ${map.method}${map.source === 'pixels' ? ' of the pixels' : ''} · inverse: ${map.inverse}`);
    // A GAN's points are draws of its prior, not data: no reconstruction, no pixel neighbours.
    sampleCaption.textContent = map.kind === 'prior' ? 'Hovered prior draw, decoded' : 'Hovered sample | its reconstruction';
    colourPicker.querySelector<HTMLOptionElement>('option[value=error]')!.disabled = map.kind === 'prior';
    // Another first run may map other samples: the comparison is linked again or not.
    if (comparePicker.value) await comparison.show(comparePicker.value, map.x.length, datasetOf(map.run) ?? '', datasetOf);
    state.ready = true;
  } catch (error) {
    if (serial !== mapSerial) return;
    progressBar.hidden = true;
    setStatus(`could not load the map: ${(error as Error).message}`, 'error');
  }
}

/** Map coordinates of a canvas pixel (CSS pixels from the top left), through the view's scales. */
function placeAt(px: number, py: number): [number, number] {
  const [x0, x1] = xScale.domain();
  const [y0, y1] = yScale.domain();
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  return [x0 + (px / width) * (x1 - x0), y0 + (1 - py / height) * (y1 - y0)];
}

function drawLegend(map: MapReply): void {
  const names = map.classes ?? (map.labels ? [...new Set(map.labels)].sort((a, b) => a - b).map(String) : []);
  legend.replaceChildren(
    ...names.map((name, i) => {
      const item = document.createElement('span');
      item.textContent = name;
      item.style.setProperty('--swatch', palette[i % palette.length]!);
      return item;
    }),
  );
}

async function decodeAt(x: number, y: number): Promise<void> {
  const run = runPicker.value;
  const method = state.map?.method;
  const serial = ++decodeSerial;
  try {
    const response = await api(`/api/runs/${encodeURIComponent(run)}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x, y, ...mapChoice(), ...chosenLabel() }),
    });
    const blob = await response.blob();
    if (serial !== decodeSerial) return; // a later click won
    const inverse = response.headers.get('x-latentlab-inverse') ?? '?';
    const code = JSON.parse(response.headers.get('x-latentlab-code') ?? '[]') as number[];
    const distance = response.headers.get('x-latentlab-nearest-distance');
    await showImage(decodedImage, blob);
    state.last = { x, y, inverse, code, nearestDistance: distance === null ? null : Number(distance) };
    const previous = places[places.length - 1];
    if (!previous || previous[0] !== x || previous[1] !== y) places = [...places, [x, y] as [number, number]].slice(-2);
    void drawStrip();
    state.decodes += 1;
    decodedInfo.textContent = `(${x.toFixed(3)}, ${y.toFixed(3)}) · ${describeInverse(inverse, distance)} · code [${code.map((v) => v.toFixed(2)).join(', ')}]`;
    drawSliders(code);
  } catch (error) {
    decodedInfo.textContent = `could not decode: ${(error as Error).message}`;
  }
}

async function recolour(): Promise<void> {
  const choice = colourPicker.value;
  if (!state.map) return;
  if (choice === 'label') {
    await scatterplot.set({ colorBy: 'valueA', pointColor: palette } as never);
  } else {
    const query = choice === 'error' ? 'by=error' : `by=dimension&dimension=${choice.split(':')[1]}`;
    const { values } = await getJson<{ values: number[] }>(`/api/runs/${encodeURIComponent(state.map.run)}/values?${query}`);
    // Ranks, not raw values: a few outliers would otherwise squeeze every other point into one colour.
    const order = values.map((value, i) => ({ value, i })).sort((a, b) => a.value - b.value);
    const rank = new Array<number>(values.length);
    order.forEach(({ i }, position) => (rank[i] = values.length > 1 ? position / (values.length - 1) : 0));
    currentPoints = currentPoints.map((point, i) => [point[0]!, point[1]!, point[2]!, rank[i]!]);
    await scatterplot.draw(currentPoints, { preventFilterReset: true } as never);
    await scatterplot.set({ colorBy: 'valueB', pointColor: ramp } as never);
  }
  state.colouredBy = choice;
}

async function highlight(): Promise<void> {
  const map = state.map;
  if (!map?.labels) return;
  const chosen = highlightPicker.value;
  if (chosen === '') await scatterplot.unfilter();
  else await scatterplot.filter(map.labels.flatMap((label, i) => (String(label) === chosen ? [i] : [])));
}

/** Sliders for the first 16 latent dimensions, set to `code`, each spanning the codes' mean ± 3 standard deviations. */
function drawSliders(code: number[]): void {
  const map = state.map;
  if (!map) return;
  const rows = code.slice(0, 16).flatMap((value, j) => {
    const spread = 3 * (map.codeStd[j] || 1);
    const low = Math.min(value, map.codeMean[j]! - spread);
    const high = Math.max(value, map.codeMean[j]! + spread);
    // step 'any': a stepped slider would snap the clicked code to its grid.
    const slider = Object.assign(document.createElement('input'), { type: 'range', min: String(low), max: String(high), step: 'any', value: String(value) });
    slider.dataset.dimension = String(j);
    const shown = Object.assign(document.createElement('span'), { textContent: value.toFixed(2) });
    slider.addEventListener('input', () => {
      shown.textContent = Number(slider.value).toFixed(2);
      void decodeSliders(code);
    });
    return [Object.assign(document.createElement('span'), { textContent: `z${j}` }), slider, shown];
  });
  sliders.replaceChildren(...rows);
  void decodeSliders(code);
}

let traversalSerial = 0;
async function decodeSliders(base: number[]): Promise<void> {
  const code = [...base];
  for (const slider of sliders.querySelectorAll<HTMLInputElement>('input[type=range]')) code[Number(slider.dataset.dimension)] = Number(slider.value);
  const serial = ++traversalSerial;
  try {
    const response = await api(`/api/runs/${encodeURIComponent(runPicker.value)}/decode-code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, ...chosenLabel() }),
    });
    const blob = await response.blob();
    if (serial !== traversalSerial) return;
    await showImage(traversalImage, blob);
    state.traversals += 1;
  } catch (error) {
    sliders.title = (error as Error).message;
  }
}

let priorSeed = 0;
async function samplePrior(): Promise<void> {
  const response = await api(`/api/runs/${encodeURIComponent(runPicker.value)}/prior`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: 16, seed: priorSeed++, ...chosenLabel() }),
  });
  await showImage(priorImage, await response.blob());
  state.priors += 1;
}

async function showNeighbors(index: number): Promise<void> {
  const run = encodeURIComponent(runPicker.value);
  // pixel is null for a GAN: its points are prior draws, with no data sample to compare pixels of.
  const found = await getJson<{ latent: number[]; pixel: number[] | null }>(`/api/runs/${run}/neighbors/${index}?k=8`);
  const grid = async (indices: number[]) => (await api(`/api/runs/${run}/samples`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ indices: [index, ...indices] }) })).blob();
  await showImage(neighborsLatent, await grid(found.latent));
  if (found.pixel) {
    await showImage(neighborsPixel, await grid(found.pixel));
    neighborsInfo.textContent = `sample ${index} first, then its 8 nearest; ${found.latent.filter((i) => found.pixel!.includes(i)).length} of 8 are nearest both ways`;
  } else {
    neighborsPixel.removeAttribute('src');
    neighborsInfo.textContent = `prior draw ${index} first, then its 8 nearest by code (a GAN's draws have no pixels of data to compare)`;
  }
  state.neighbors = { ...found, pixel: found.pixel ?? [] };
}

/**
 * Label search: the points whose class name contains the text (case-insensitive; "shirt" finds
 * T-shirt/top and Shirt), or the one sample of that index ("#123"), are selected: the
 * map highlights them and the selection panel shows their images and class mix.
 */
async function search(): Promise<void> {
  const map = state.map;
  const text = searchInput.value.trim();
  if (!map || text === '') {
    searchInfo.textContent = '';
    state.found = null;
    return;
  }
  let found: number[];
  let what: string;
  const index = /^#(\d+)$/.exec(text);
  if (index) {
    const i = Number(index[1]);
    found = i < map.x.length ? [i] : [];
    what = found.length ? `sample ${i}` : `no sample ${i} (0 to ${map.x.length - 1})`;
  } else {
    const names = map.classes ?? (map.labels ? [...new Set(map.labels)].sort((a, b) => a - b).map(String) : []);
    const classes = names.flatMap((name, i) => (name.toLowerCase().includes(text.toLowerCase()) ? [i] : []));
    found = map.labels ? map.labels.flatMap((label, i) => (classes.includes(label) ? [i] : [])) : [];
    what = classes.length ? `${found.length} points of ${classes.map((i) => names[i]).join(', ')}` : `no class matches '${text}'${names.length ? ` (classes: ${names.join(', ')})` : ''}`;
  }
  searchInfo.textContent = what;
  state.found = found;
  if (found.length === 0) scatterplot.deselect();
  else scatterplot.select(found);
}

/** The map shown, as the decode routes name it: places are read on that map. */
function mapChoice(): { method?: string; source?: string } {
  return state.map ? { method: state.map.method, source: state.map.source } : {};
}

function chosenLabel(): { label?: number } {
  return state.map?.conditional && labelPicker.value !== '' ? { label: Number(labelPicker.value) } : {};
}

/** Shows a PNG response in an <img>, freeing the object URL it replaces. */
async function showImage(image: HTMLImageElement, blob: Blob): Promise<void> {
  const url = URL.createObjectURL(blob);
  const previous = image.src;
  await new Promise<void>((resolve) => {
    image.onload = () => resolve();
    image.onerror = () => resolve();
    image.src = url;
  });
  if (previous.startsWith('blob:')) URL.revokeObjectURL(previous);
}

async function drawStrip(): Promise<void> {
  if (places.length < 2) return;
  const serial = ++stripSerial;
  const steps = Math.min(32, Math.max(2, Math.round(Number(stepsInput.value) || 8)));
  try {
    const response = await api(`/api/runs/${encodeURIComponent(runPicker.value)}/interpolate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: places[0], to: places[1], steps, path: pathPicker.value, ...mapChoice(), ...chosenLabel() }),
    });
    const blob = await response.blob();
    if (serial !== stripSerial) return;
    await showImage(stripImage, blob);
    state.strips += 1;
    stripInfo.textContent = `${steps} steps, ${pathPicker.value}, in latent space from (${places[0]!.map((v) => v.toFixed(2)).join(', ')}) to (${places[1]!.map((v) => v.toFixed(2)).join(', ')})`;
  } catch (error) {
    stripInfo.textContent = `could not interpolate: ${(error as Error).message}`;
  }
}

async function showSelection(indices: number[]): Promise<void> {
  state.selection = [...indices].sort((a, b) => a - b);
  const map = state.map;
  if (!map || indices.length === 0) {
    selectionInfo.textContent = 'No selection.';
    selectionImage.removeAttribute('src');
    state.selections += 1;
    return;
  }
  const mix = new Map<string, number>();
  for (const index of indices) {
    const label = map.labels ? (map.classes?.[map.labels[index]!] ?? String(map.labels[index])) : 'unlabelled';
    mix.set(label, (mix.get(label) ?? 0) + 1);
  }
  const parts = [...mix].sort((a, b) => b[1] - a[1]).map(([label, count]) => `${label} ${Math.round((100 * count) / indices.length)}%`);
  selectionInfo.textContent = `${indices.length} selected · ${parts.join(' · ')}${indices.length > 64 ? ' · showing the first 64' : ''}`;
  try {
    const response = await api(`/api/runs/${encodeURIComponent(runPicker.value)}/samples`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ indices: state.selection.slice(0, 64) }),
    });
    await showImage(selectionImage, await response.blob());
  } catch (error) {
    selectionInfo.textContent += ` (images: ${(error as Error).message})`;
  }
  state.selections += 1;
}

function describeInverse(inverse: string, distance: string | null): string {
  if (inverse === 'exact') return 'the latent itself (exact)';
  if (inverse === 'pca-inverse') return 'through the inverse of the PCA';
  return `interpolated from the nearest codes (nearest sample at ${Number(distance).toFixed(3)})`;
}

async function showSample(index: number): Promise<void> {
  const serial = ++hoverSerial;
  const response = await fetch(`/api/runs/${encodeURIComponent(runPicker.value)}/samples/${index}`);
  if (!response.ok || serial !== hoverSerial) return;
  await showImage(sampleImage, await response.blob());
  const label = state.map?.labels?.[index];
  sampleInfo.textContent = `${state.map?.kind === 'prior' ? 'prior draw' : 'test sample'} ${index}${label !== undefined ? ` · ${state.map?.kind === 'prior' ? 'class' : 'label'} ${state.map?.classes?.[label] ?? label}` : ''}`;
}

// A drag (pan, lasso) ends in a click event too: only a click that stayed put decodes.
let pressedAt: [number, number] = [0, 0];
canvas.addEventListener('mousedown', (event) => (pressedAt = [event.clientX, event.clientY]));
canvas.addEventListener('click', (event) => {
  if (!state.map) return;
  if (Math.hypot(event.clientX - pressedAt[0], event.clientY - pressedAt[1]) > 4) return;
  const box = canvas.getBoundingClientRect();
  const [x, y] = placeAt(event.clientX - box.left, event.clientY - box.top);
  void decodeAt(x, y);
});
scatterplot.subscribe('pointOver', (index) => void showSample(index));
scatterplot.subscribe('select', ({ points }) => {
  void showSelection(points);
  comparison.select(points);
  if (points.length === 1) void showNeighbors(points[0]!);
});
colourPicker.addEventListener('change', () => void recolour());
highlightPicker.addEventListener('change', () => void highlight());
searchInput.addEventListener('change', () => void search());
priorButton.addEventListener('click', () => void samplePrior());
scatterplot.subscribe('deselect', () => {
  void showSelection([]);
  comparison.select([]);
});
comparePicker.addEventListener('change', () => void comparison.show(comparePicker.value, state.map?.x.length ?? 0, datasetOf(runPicker.value) ?? '', datasetOf));
stepsInput.addEventListener('change', () => void drawStrip());
labelPicker.addEventListener('change', () => {
  if (state.last) void decodeAt(state.last.x, state.last.y);
});
pathPicker.addEventListener('change', () => void drawStrip());
runPicker.addEventListener('change', () => void loadMap());
methodPicker.addEventListener('change', () => void loadMap());
sourcePicker.addEventListener('change', () => void loadMap());

loadRuns().catch((error: Error) => setStatus(`could not list the runs: ${error.message}`, 'error'));
