/** The emulator's own errors: bad options, bad control-surface input, bad faults. */

/** Thrown by `startEmulator` / `createEmulatorApp` for an invalid option; names the option. */
export class EmulatorOptionsError extends TypeError {
  readonly code = 'EMULATOR_OPTIONS';
  constructor(message: string) {
    super(`Invalid emulator option: ${message}`);
    this.name = 'EmulatorOptionsError';
  }
}

/** Thrown by `injectFault` for a fault that makes no sense. */
export class EmulatorFaultError extends TypeError {
  readonly code = 'EMULATOR_FAULT';
  constructor(message: string) {
    super(`Invalid fault: ${message}`);
    this.name = 'EmulatorFaultError';
  }
}
