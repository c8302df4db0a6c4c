/**
 * The preload script (sandboxed, bundled to CommonJS as out/preload/preload.cjs): exposes the
 * contract-derived bridge as `window.workbench` and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preload-api.ts';

contextBridge.exposeInMainWorld('workbench', createPreloadApi(ipcRenderer));
