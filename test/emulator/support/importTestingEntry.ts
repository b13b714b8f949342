// Run by peers.test.ts with the emulator's peers hidden: what importing ./testing does.
try {
  await import('../../../src/testing/index.js');
  console.log(JSON.stringify({ testing: 'loaded' }));
} catch (error) {
  const { name, code } = error as { name: string; code?: string };
  console.log(JSON.stringify({ testing: { name, code } }));
}
