export { createRealtime, roomsFor } from './realtime.js';
export type { AppServer, AppSocket, Realtime, RealtimeOptions, SocketRegistrar } from './realtime.js';
export { onCommand } from './command.js';
export type { CommandOptions, CommandResult } from './command.js';
