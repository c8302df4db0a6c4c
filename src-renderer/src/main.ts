import { mount } from 'svelte';
import { z } from 'zod';
import App from './App.svelte';
import './app.css';
import { createBackend } from './lib/backend/create-backend.ts';
import type { Backend } from './lib/backend/backend.ts';

// zod compiles fast validators with new Function() unless told not to; the CSP (script-src 'self', no
// 'unsafe-eval') forbids that, and even zod's probe for it is reported as a violation.
z.config({ jitless: true });

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
