// `node --import tsx --import ./test/emulator/support/withoutEmulatorPeers.mjs …`: Node as it
// runs where dsm-2fa-guard is installed without the emulator's optional peer dependencies.
import { register } from 'node:module';

register('./withoutEmulatorPeers.hooks.mjs', import.meta.url);
