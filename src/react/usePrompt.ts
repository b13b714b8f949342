import { useSyncExternalStore } from 'react';
import type { Prompt, PromptView } from './prompt.js';

/**
 * A prompt's view for the app's own dialog: render it while `open`, call `prompt.answer(...)`
 * (or `submit` for a `PasswordPrompt`) or `prompt.cancel()`. The dialog stays until one of
 * them: nothing closes it on a timer.
 */
export function usePrompt(prompt: Prompt<unknown>): PromptView {
  return useSyncExternalStore(
    prompt.subscribe,
    () => prompt.view,
    () => prompt.view,
  );
}
