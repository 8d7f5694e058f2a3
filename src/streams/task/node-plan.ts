// The topology as the task walks it: every node with its data successors (and a split's branch
// targets) resolved to plans once, at task creation, so a record's path needs no lookup by name.
import type { TopologyNode } from '../dsl/nodes.ts';
import type { Topology } from '../dsl/topology.ts';
import type { AsyncStep } from './async-step.ts';
import type { NodeCounts } from './topology-observer.ts';

export interface NodePlan {
  readonly name: string;
  readonly node: TopologyNode;
  /** successors that carry data (edges to dead-letter sinks are only for failures) */
  readonly successors: readonly NodePlan[];
  /** a split's branch targets, in the node's branch order */
  readonly branches: readonly NodePlan[];
  readonly defaultBranch: NodePlan | undefined;
  readonly asyncStep: AsyncStep | undefined;
  /** the observer's live counters, set on the node's first visit */
  counts: NodeCounts | undefined;
}

type Draft = { -readonly [K in keyof NodePlan]: NodePlan[K] };

export function buildNodePlans(topology: Topology, asyncSteps: ReadonlyMap<string, AsyncStep>): Map<string, NodePlan> {
  const plans = new Map<string, Draft>();
  for (const node of topology.nodes.values()) {
    plans.set(node.name, { name: node.name, node, successors: [], branches: [], defaultBranch: undefined, asyncStep: asyncSteps.get(node.name), counts: undefined });
  }
  const planOf = (name: string): Draft => {
    const plan = plans.get(name);
    if (!plan) throw new Error(`topology names node "${name}" but has no such node`);
    return plan;
  };
  for (const plan of plans.values()) {
    plan.successors = topology.successors(plan.name).filter((name) => !isDeadLetterSink(topology.nodes.get(name))).map(planOf);
    const { node } = plan;
    if (node.kind === 'processor' && node.op === 'split') {
      plan.branches = node.branches.map((branch) => planOf(branch.node));
      plan.defaultBranch = node.defaultBranch === undefined ? undefined : planOf(node.defaultBranch);
    }
  }
  return plans;
}

function isDeadLetterSink(node: TopologyNode | undefined): boolean {
  return node !== undefined && node.kind === 'sink' && node.deadLetter;
}
