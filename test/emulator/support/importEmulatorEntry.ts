// Run by peers.test.ts with the emulator's peers hidden: importing ./emulator fails with a
// typed error, and `.` still loads.
const report: Record<string, unknown> = {};
try {
  await import('../../../src/emulator/index.js');
  report.emulator = 'loaded';
} catch (error) {
  const { name, code, message } = error as { name: string; code?: string; message: string };
  report.emulator = { name, code, message };
}
const main = await import('../../../src/index.js');
report.main = typeof main.createDsmClient;
console.log(JSON.stringify(report));
