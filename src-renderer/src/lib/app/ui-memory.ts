/**
 * What the window remembers across reloads: the view the user was in and the dataset that was open, in
 * localStorage (per origin, so per browser-mode server or per desktop app). Unreadable or stale entries are
 * ignored: the app then opens the most recent dataset in Datasets, as on a first start.
 */
const KEY = 'metric-workbench.ui';

export interface UiMemory {
  view: string | null;
  datasetId: number | null;
}

export function readUiMemory(): UiMemory {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return { view: null, datasetId: null };
    const value = JSON.parse(raw) as Record<string, unknown>;
    return {
      view: typeof value.view === 'string' ? value.view : null,
      datasetId: typeof value.datasetId === 'number' && Number.isInteger(value.datasetId) ? value.datasetId : null,
    };
  } catch {
    return { view: null, datasetId: null };
  }
}

export function writeUiMemory(memory: UiMemory): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(memory));
  } catch {
    // Storage can be unavailable (private mode): the next start simply opens Datasets.
  }
}
