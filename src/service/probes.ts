// One process may run the ingress and the worker: its probes answer for every part it runs.
import type { Probe, ProbeResult } from '../metrics/index.ts';

/**
 * ok when every part is ok; the body lists each part's own answer.
 * @example combineProbes({ worker: view.ready, ingress: () => ({ ok: true, status: 'ready' }) }, 'ready')
 */
export function combineProbes(parts: Readonly<Record<string, Probe>>, okStatus: string): Probe {
  return () => {
    const answers: Record<string, ProbeResult> = {};
    let ok = true;
    for (const [name, probe] of Object.entries(parts)) {
      let answer: ProbeResult;
      try {
        answer = probe();
      } catch (error) {
        answer = { ok: false, status: 'probe failed', reason: error instanceof Error ? error.message : String(error) };
      }
      answers[name] = answer;
      ok &&= answer.ok;
    }
    const failing = Object.entries(answers).filter(([, a]) => !a.ok).map(([name, a]) => `${name}: ${a.reason ?? a.status}`);
    return { ok, status: ok ? okStatus : `not ${okStatus}`, ...(failing.length > 0 ? { reason: failing.join('; ') } : {}), parts: answers };
  };
}
