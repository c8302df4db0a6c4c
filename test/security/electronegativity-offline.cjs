// Preloaded into electronegativity 1.10.3 by test/security/electronegativity.test.ts. Offline, its lookups of
// translations and of newer Electron releases fail ("No connectivity?"), and under Node 24 the old HTTP client
// it uses (`got` with `p-cancelable`) then throws from its retry timers, killing the process after the
// analysis. Only errors thrown from inside that HTTP client are ignored; anything else still crashes.
process.on('uncaughtException', (error) => {
  const stack = String((error && error.stack) || error);
  if (/node_modules[\\/](got|p-cancelable)[\\/]/.test(stack)) return;
  console.error(error);
  process.exit(1);
});
