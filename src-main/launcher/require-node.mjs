// Metric Workbench runs on Node.js 24 LTS or newer (better-sqlite3 13 needs N-API of Node >= 22, and
// Node 20 is past its end of life). npm scripts and `npx` use the Node 24 that `npm ci` puts in
// node_modules/.bin (the `node` devDependency), so this only stops someone who runs a script directly
// with an older `node`: one line that says what to do, and exit code 1.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `Metric Workbench needs Node.js 24 or newer, and this is Node.js ${process.versions.node}: run it through npm (\`npm start\`, \`npm test\`, \`npx workbench\`), which uses the Node 24 installed in node_modules by \`npm ci\`, or install Node 24 (see .nvmrc).`,
  );
  process.exit(1);
}
