/** The emulator's own errors: bad options and control arguments, bad faults, a busy port, missing packages. */

/**
 * Thrown by `startEmulator` / `createEmulatorApp` for an invalid option, and by the controls for
 * an invalid argument (a seed, a token that is neither a string nor a `Secret`); names what is
 * wrong. Over HTTP the control surface answers it as a 400.
 */
export class EmulatorOptionsError extends TypeError {
  readonly code = 'EMULATOR_OPTIONS';
  constructor(message: string) {
    super(`Invalid emulator option: ${message}`);
    this.name = 'EmulatorOptionsError';
  }
}

/** Thrown by `injectFault` for a fault that makes no sense, or when too many are armed. */
export class EmulatorFaultError extends TypeError {
  readonly code = 'EMULATOR_FAULT';
  constructor(message: string) {
    super(`Invalid fault: ${message}`);
    this.name = 'EmulatorFaultError';
  }
}

/**
 * Rejected by `startEmulator` when something already listens on the port asked for (`port`).
 * The listen error is its `cause`.
 */
export class EmulatorPortInUseError extends Error {
  readonly code = 'EMULATOR_PORT_IN_USE';
  constructor(
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Port ${port} on 127.0.0.1 is already in use: stop what listens there, or pass --port 0 (option port: 0) to pick a free port.`,
      options,
    );
    this.name = 'EmulatorPortInUseError';
  }
}

/** The packages `dsm-2fa-guard/emulator` needs, which `dsm-2fa-guard` itself does not install. */
export const EMULATOR_PEER_DEPENDENCIES = ['hono', '@hono/node-server', '@simplewebauthn/server'];

/**
 * Thrown when `dsm-2fa-guard/emulator` is imported without the packages it needs (optional peer
 * dependencies of `dsm-2fa-guard`, so that apps that do not use the emulator do not install
 * them). `missing` names the package Node could not find; the message says what to install.
 */
export class EmulatorDependencyError extends Error {
  readonly code = 'EMULATOR_DEPENDENCY_MISSING';
  constructor(
    readonly missing: string,
    options?: { cause?: unknown },
  ) {
    super(
      `dsm-2fa-guard/emulator needs ${missing}, which is not installed. Install the emulator's packages: npm install --save-dev ${EMULATOR_PEER_DEPENDENCIES.join(' ')}`,
      options,
    );
    this.name = 'EmulatorDependencyError';
  }
}
