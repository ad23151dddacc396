declare module 'asterisk-manager' {
  import type { EventEmitter } from 'node:events';

  /** The object asterisk-manager 0.2 returns (it is not a class; `Manager(...)` builds it). */
  export interface AsteriskManagerInstance extends Pick<EventEmitter, 'on' | 'once' | 'removeListener' | 'removeAllListeners' | 'listeners' | 'emit' | 'setMaxListeners'> {
    options: { port: number; host: string; username: string; password: string; events: boolean };
    connect(port: number, host: string, callback?: (error: Error | null) => void): void;
    login(callback?: (error?: unknown) => void): void;
    action(action: Record<string, unknown>, callback?: (error: unknown, response?: Record<string, unknown>) => void): string;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
    keepConnected(): void;
  }

  function Manager(port?: number, host?: string, username?: string, password?: string, events?: boolean): AsteriskManagerInstance;
  export default Manager;
}
