// The runs dashboard: the store's runs with their status (refreshed every few seconds while one
// is training), the curves of the runs ticked overlaid (an SVG the server draws with the report's
// charts), and the settings in which the ticked runs differ. Bundled by esbuild with the explorer.

interface RunSummary { id: string; name: string | null; model: string; dataset: string; status: string; latent: number | null }
interface RunDetail extends RunSummary { config: Record<string, unknown>; metrics: Record<string, number>; metricKeys: string[] }

/** What the browser test reads. */
interface DashboardState { runs: RunSummary[]; ticked: string[]; curves: number; refreshes: number; studies: number }
interface StudySummary { id: string; report: boolean; columns: string[]; rows: (string | number | null)[][] }
declare global { interface Window { dashboard: DashboardState } }

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const body = element<HTMLTableElement>('runs').tBodies[0]!;
const settings = element<HTMLTableElement>('settings');
const keyPicker = element<HTMLSelectElement>('key');
const logScale = element<HTMLInputElement>('log');
const curves = element<HTMLImageElement>('curves');
const curvesInfo = element<HTMLParagraphElement>('curves-info');
const statusLine = element<HTMLSpanElement>('status');

const state: DashboardState = { runs: [], ticked: [], curves: 0, refreshes: 0, studies: 0 };
const studiesSection = element<HTMLElement>('studies');
window.dashboard = state;
const details = new Map<string, RunDetail>();
const refreshSeconds = 3;

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(((await response.json().catch(() => ({}))) as { message?: string }).message ?? `${response.status}`);
  return (await response.json()) as T;
}

async function refresh(): Promise<void> {
  const { runs } = await getJson<{ runs: RunSummary[] }>('/api/runs');
  state.runs = runs;
  // A run that is training has changed since the last look; a finished one has not.
  await Promise.all(runs.map(async (run) => {
    const known = details.get(run.id);
    if (!known || known.status === 'running' || known.status !== run.status) details.set(run.id, await getJson<RunDetail>(`/api/runs/${encodeURIComponent(run.id)}`));
  }));
  if (state.ticked.length === 0 && runs.length > 0) state.ticked = runs.slice(0, 3).map((run) => run.id);
  state.ticked = state.ticked.filter((id) => runs.some((run) => run.id === id));
  drawTable();
  drawKeys();
  drawSettings();
  await drawCurves();
  await drawStudies();
  state.refreshes += 1;
  const training = runs.filter((run) => run.status === 'running').length;
  statusLine.textContent = `${runs.length} runs${training ? ` · ${training} training (refreshed every ${refreshSeconds} s)` : ''}`;
  if (training) setTimeout(() => void refresh().catch(showError), refreshSeconds * 1000);
}

function drawTable(): void {
  body.replaceChildren(
    ...state.runs.map((run) => {
      const row = document.createElement('tr');
      const tick = document.createElement('input');
      tick.type = 'checkbox';
      tick.checked = state.ticked.includes(run.id);
      tick.dataset.run = run.id;
      tick.addEventListener('change', () => {
        state.ticked = tick.checked ? [...state.ticked, run.id] : state.ticked.filter((id) => id !== run.id);
        drawSettings();
        void drawCurves();
      });
      const loss = details.get(run.id)?.metrics.test_loss;
      const cells = [tick, `${run.name ? `${run.name} · ` : ''}${run.id}`, run.model, run.latent ?? '', run.dataset, run.status, loss === undefined ? '' : loss.toPrecision(4)];
      for (const content of cells) {
        const cell = document.createElement('td');
        if (content instanceof HTMLElement) cell.append(content);
        else cell.textContent = String(content);
        row.append(cell);
      }
      row.children[5]!.className = run.status === 'running' ? 'running' : '';
      const link = document.createElement('a');
      link.href = `/?run=${encodeURIComponent(run.id)}`;
      link.textContent = 'explore';
      // The run's HTML report, built by the server when opened (a few seconds).
      const report = Object.assign(document.createElement('a'), { href: `/runs/${encodeURIComponent(run.id)}/report`, textContent: 'report', target: '_blank' });
      const cell = document.createElement('td');
      cell.append(link, ' · ', report);
      row.append(cell);
      return row;
    }),
  );
}

function drawKeys(): void {
  const keys = [...new Set([...details.values()].flatMap((detail) => detail.metricKeys))].sort();
  const chosen = keyPicker.value || (keys.includes('train_loss') ? 'train_loss' : keys[0] ?? '');
  keyPicker.replaceChildren(...keys.map((key) => new Option(key, key, false, key === chosen)));
}

function drawSettings(): void {
  const ticked = state.ticked.map((id) => details.get(id)).filter((detail): detail is RunDetail => detail !== undefined);
  const keys = [...new Set(ticked.flatMap((detail) => Object.keys(detail.config)))].sort();
  const shown = (value: unknown) => (value === undefined ? '–' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  const differing = keys.filter((key) => new Set(ticked.map((detail) => shown(detail.config[key]))).size > 1);
  const header = document.createElement('tr');
  header.append(...['setting', ...ticked.map((detail) => detail.name ?? detail.id)].map((text) => Object.assign(document.createElement('th'), { textContent: text })));
  const rows = differing.map((key) => {
    const row = document.createElement('tr');
    row.append(...[key, ...ticked.map((detail) => shown(detail.config[key]))].map((text) => Object.assign(document.createElement('td'), { textContent: text })));
    return row;
  });
  settings.replaceChildren(header, ...rows);
}

async function drawCurves(): Promise<void> {
  const key = keyPicker.value;
  if (state.ticked.length === 0 || !key) {
    curves.removeAttribute('src');
    curvesInfo.textContent = 'Tick runs to overlay their curves.';
    return;
  }
  const url = `/api/curves?runs=${state.ticked.map(encodeURIComponent).join(',')}&key=${encodeURIComponent(key)}${logScale.checked ? '&log=true' : ''}`;
  // The server answers no-store: while a run trains, the same URL gives the longer curve.
  await new Promise<void>((resolve) => {
    curves.onload = () => resolve();
    curves.onerror = () => resolve();
    if (curves.src.endsWith(url)) curves.src = '';
    curves.src = url;
  });
  state.curves += 1;
  curvesInfo.textContent = `${key} of ${state.ticked.length} run${state.ticked.length > 1 ? 's' : ''} by step`;
}

/** Each study of the store: its runs as a table (key, model, status, test loss) and a link to its report. */
async function drawStudies(): Promise<void> {
  const { studies } = await getJson<{ studies: StudySummary[] }>('/api/studies');
  const blocks = studies.map((study) => {
    const block = document.createElement('div');
    const title = Object.assign(document.createElement('h3'), { textContent: `${study.id} · ${study.rows.length} runs · ` });
    title.append(study.report ? Object.assign(document.createElement('a'), { href: `/studies/${encodeURIComponent(study.id)}/report`, textContent: 'its tables and figures (report)', target: '_blank' }) : 'no report yet (latentlab study run writes it)');
    const table = document.createElement('table');
    const header = document.createElement('tr');
    header.append(...study.columns.map((column) => Object.assign(document.createElement('th'), { textContent: column })));
    const rows = study.rows.map((cells) => {
      const row = document.createElement('tr');
      row.append(...cells.map((cell) => Object.assign(document.createElement('td'), { textContent: cell === null ? '' : typeof cell === 'number' ? cell.toPrecision(4) : cell })));
      return row;
    });
    table.append(header, ...rows);
    block.append(title, table);
    return block;
  });
  studiesSection.replaceChildren(...(blocks.length ? blocks : [Object.assign(document.createElement('p'), { textContent: 'No studies in this store (latentlab study run <name>).' })]));
  state.studies = studies.length;
}

function showError(error: Error): void {
  statusLine.textContent = `could not load the runs: ${error.message}`;
}

keyPicker.addEventListener('change', () => void drawCurves());
logScale.addEventListener('change', () => void drawCurves());
refresh().catch(showError);

export {}; // a module: its globals stay its own
