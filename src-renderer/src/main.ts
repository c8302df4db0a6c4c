import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { createBackend } from './lib/backend/create-backend.ts';
import type { Backend } from './lib/backend/backend.ts';

// zod's jitless mode (no new Function() under the CSP's script-src 'self') is set by shared/ipc itself
// (shared/domain/zod-config.ts, imported first by every module that builds schemas, and by the client) before any schema exists.

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element to mount Metric Workbench into.');

let backend: Backend | null = null;
try {
  backend = createBackend();
} catch (error) {
  const message = document.createElement('p');
  message.className = 'error';
  message.setAttribute('role', 'alert');
  message.textContent = `Metric Workbench cannot reach its engine: ${error instanceof Error ? error.message : String(error)}`;
  target.appendChild(message);
}
if (backend) mount(App, { target, props: { backend } });
