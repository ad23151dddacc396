export type { Lease, LiveStateStore } from './live-state-store.js';
export { createMemoryLiveState } from './memory-live-state.js';
export { createRedisLiveState } from './redis-live-state.js';
export { startLeaseKeeper } from './lease-keeper.js';
export type { LeaseKeeper, LeaseKeeperOptions } from './lease-keeper.js';
