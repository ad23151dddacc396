/** `GET /healthz` (DESIGN §5). */
export type DependencyMode = 'embedded' | 'external' | 'memory' | 'simulator';

export interface DependencyHealth {
  mode: DependencyMode;
  up: boolean;
  detail?: string;
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  mongo: DependencyHealth;
  redis: DependencyHealth;
  ami: DependencyHealth;
}
