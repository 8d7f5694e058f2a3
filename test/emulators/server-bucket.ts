// The token bucket the emulators enforce, written independently of src/ratelimit on purpose: if
// both sides shared one implementation, a bug in it could make a "zero throttle replies" test
// pass against itself. This is the textbook algorithm (refill by elapsed time, cap, take one).
import { performance } from 'node:perf_hooks';

export interface BucketConfig {
  ratePerSec: number;
  burst: number;
}

export class ServerBucket {
  private tokens: number;
  private last = performance.now();

  constructor(readonly config: BucketConfig) {
    if (!(config.ratePerSec >= 0) || !(config.burst >= 0)) throw new RangeError(`bad bucket ${JSON.stringify(config)}`);
    this.tokens = config.burst;
  }

  /** True and one token less if a token is available now; false means "reply with a throttle". */
  tryTake(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.config.burst, this.tokens + ((now - this.last) / 1000) * this.config.ratePerSec);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
