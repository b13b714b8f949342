// Run by peers.test.ts with the emulator's peers hidden, in one process: importing ./testing
// (which starts the emulator) and ./emulator fail with a typed error, and `.` still loads.
// ./testing goes first, so its own module graph is the one that meets the missing peers.
const report: Record<string, unknown> = {};
for (const [entry, load] of [
  ['testing', () => import('../../../src/testing/index.js')],
  ['emulator', () => import('../../../src/emulator/index.js')],
] as const) {
  try {
    await load();
    report[entry] = 'loaded';
  } catch (error) {
    const { name, code, message } = error as { name: string; code?: string; message: string };
    report[entry] = { name, code, message };
  }
}
const main = await import('../../../src/index.js');
report.main = typeof main.createDsmClient;
console.log(JSON.stringify(report));
