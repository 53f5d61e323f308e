// A second run's map beside the first, with linked selection: the points selected in either map
// (lasso or click) are selected in the other, when both runs map the same test samples in the same
// order (same data set, same test split size), so that one can see where one model puts what
// another groups together.
import createScatterplot, { type createRenderer } from 'regl-scatterplot';
import { paddedBounds, palette, pointsOf } from './plot.js';
import { describeProgress, fetchMap } from './api.js';
import type { moveFromFrames } from './motion.js';

interface MapReply { run: string; method: string; x: number[]; y: number[]; labels: number[] | null }

export interface Comparison {
  /** Shows run `id`'s map (its default map), or hides the second map for ''. */
  show(id: string, samplesOfFirst: number, datasetOfFirst: string, datasetOf: (id: string) => string | undefined): Promise<void>;
  /** Selects these samples in the second map, without echoing the selection back. */
  select(points: number[]): void;
  /** Whether selections are linked (the two maps show the same samples). */
  linked(): boolean;
  selection(): number[];
  screenOf(index: number): [number, number] | null;
}

export function createComparison(renderer: ReturnType<typeof createRenderer>, motion: ReturnType<typeof moveFromFrames>, section: HTMLElement, canvas: HTMLCanvasElement, status: HTMLElement, onSelect: (points: number[]) => void): Comparison {
  // The first map's renderer: one WebGL context for both (see plot.ts mapRenderer).
  const plot = createScatterplot({ renderer, canvas, width: canvas.clientWidth || 600, height: canvas.clientHeight || 600, pointSize: 4, opacity: 0.8, pointColor: palette, colorBy: 'valueA', lassoInitiator: false } as Parameters<typeof createScatterplot>[0]);
  motion.track(canvas, plot);
  let isLinked = false;
  let shown = 0;
  let selected: number[] = [];
  plot.subscribe('select', ({ points }) => {
    selected = points;
    if (isLinked) onSelect(points);
  });
  plot.subscribe('deselect', () => {
    selected = [];
    if (isLinked) onSelect([]);
  });
  return {
    async show(id, samplesOfFirst, datasetOfFirst, datasetOf) {
      section.hidden = id === '';
      isLinked = false;
      selected = [];
      const serial = ++shown; // a map still polling for the run chosen before is dropped
      if (id === '') return;
      status.textContent = `loading the map of ${id}…`;
      let map: MapReply | null;
      try {
        map = await fetchMap<MapReply>(`/api/runs/${encodeURIComponent(id)}/map`, (progress) => (status.textContent = describeProgress(progress)), () => serial !== shown);
      } catch (error) {
        status.textContent = `could not load ${id}: ${(error as Error).message}`;
        return;
      }
      if (map === null) return; // another run was chosen meanwhile
      await plot.draw(pointsOf(map, paddedBounds(map)));
      await plot.reset();
      isLinked = map.x.length === samplesOfFirst && datasetOf(id) === datasetOfFirst;
      status.textContent = `${map.run} · ${map.method} · ${map.x.length} test codes · ${isLinked ? 'selections linked' : 'not linked: the two runs map different test samples'}`;
    },
    select(points) {
      if (!isLinked) return;
      selected = points;
      if (points.length === 0) plot.deselect({ preventEvent: true });
      else plot.select(points, { preventEvent: true });
    },
    linked: () => isLinked,
    selection: () => [...selected].sort((a, b) => a - b),
    screenOf: (index) => plot.getScreenPosition(index) ?? null,
  };
}
