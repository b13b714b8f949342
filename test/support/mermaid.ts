import type { AnyStateMachine, AnyStateNode } from 'xstate';

interface TransitionLike {
  target?: ReadonlyArray<{ id: string }>;
  guard?: unknown;
}

function guardLabel(guard: unknown): string {
  if (!guard) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard)
    return String((guard as { type: unknown }).type);
  if (typeof guard === 'function' && 'guards' in guard) {
    const inner = (guard as { guards: unknown[] }).guards.map(guardLabel).join(', ');
    return `not ${inner}`;
  }
  return 'guard';
}

function eventLabel(eventType: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return `after ${after[1]}`;
  const done = /^xstate\.done\.actor\.(.+)$/.exec(eventType);
  if (done) return `done ${done[1]}`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(eventType);
  if (error) return `error ${error[1]}`;
  return eventType;
}

const idOf = (node: { id: string }, rootId: string) =>
  node.id === rootId ? rootId : node.id.slice(rootId.length + 1).replaceAll('.', '_');

/**
 * A Mermaid state diagram generated from a machine's definition: every state, and every
 * transition that changes state, labelled with its event and guard. Transitions that only
 * run actions (local refusals) are left out to keep the picture readable.
 */
export function toMermaid(machine: AnyStateMachine): string {
  const rootId = machine.root.id;
  const lines = ['stateDiagram-v2'];
  const edges: string[] = [];

  const visit = (node: AnyStateNode, indent: string) => {
    const children = Object.values(node.states) as AnyStateNode[];
    const id = idOf(node, rootId);
    const initial = node.initial?.target?.[0] as { id: string } | undefined;
    if (node !== machine.root && children.length > 0) {
      lines.push(`${indent}state "${node.key}" as ${id} {`);
    } else if (node !== machine.root) {
      lines.push(`${indent}state "${node.key}" as ${id}`);
    }
    const inner = node === machine.root ? indent : `${indent}  `;
    if (children.length > 0) {
      if (node.type === 'parallel') {
        children.forEach((child, index) => {
          if (index > 0) lines.push(`${inner}--`);
          visit(child, inner);
        });
      } else {
        if (initial) lines.push(`${inner}[*] --> ${idOf(initial, rootId)}`);
        for (const child of children) visit(child, inner);
      }
    }
    if (node !== machine.root && children.length > 0) lines.push(`${indent}}`);

    for (const [eventType, transitions] of node.transitions as Map<string, TransitionLike[]>) {
      for (const transition of transitions) {
        for (const target of transition.target ?? []) {
          const guard = guardLabel(transition.guard);
          edges.push(
            `  ${id} --> ${idOf(target, rootId)} : ${eventLabel(eventType)}${guard ? ` [${guard}]` : ''}`,
          );
        }
      }
    }
    for (const transition of (node.always ?? []) as TransitionLike[]) {
      for (const target of transition.target ?? []) {
        const guard = guardLabel(transition.guard);
        edges.push(`  ${id} --> ${idOf(target, rootId)} : always${guard ? ` [${guard}]` : ''}`);
      }
    }
  };

  visit(machine.root, '  ');
  return [...lines, ...edges].join('\n');
}
