export type { Lease, LiveStateStore } from './live-state-store.js';
export { createMemoryLiveState } from './memory-live-state.js';
export { createRedisLiveState } from './redis-live-state.js';
