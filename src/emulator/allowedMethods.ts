/**
 * `405 Method Not Allowed` with `Allow`, as a real server answers a known path asked with a
 * method it does not serve there (Hono alone answers 404). The methods come from the app's own
 * routes, so they cannot drift from what is served.
 */
import type { Hono } from 'hono';
import type { EmulatorEnv } from './http.js';

interface CompiledRoute {
  method: string;
  pattern: RegExp;
}

function compile(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${escaped.join('/')}$`);
}

/**
 * A lookup of the methods served on a path, compiled on first use (after every route is
 * registered). GET brings HEAD with it, as Hono serves HEAD from GET handlers.
 */
export function allowedMethodsOf(app: Hono<EmulatorEnv>): (path: string) => string[] {
  let routes: CompiledRoute[] | undefined;
  return (path) => {
    routes ??= app.routes
      .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
      .map((route) => ({ method: route.method, pattern: compile(route.path) }));
    const methods = new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods];
  };
}
