import { beforeEach } from 'vitest';

// The UI remembers its view and dataset in localStorage across reloads (src-renderer/src/lib/app/ui-memory.ts);
// each component test starts as a first visit, whatever the test before it left there.
beforeEach(() => {
  localStorage.clear();
  // …and the labeling undo history it keeps per tab in sessionStorage.
  sessionStorage.clear();
});
