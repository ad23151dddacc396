import type { Redis } from 'ioredis';

/** QUIT when Redis answers (flushes pending replies), otherwise drop the link: never hang a shutdown. */
export async function closeRedis(client: Redis, timeoutMs = 2_000): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  const timer = setTimeout(() => client.disconnect(), timeoutMs);
  try {
    await client.quit();
  } catch {
    client.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
