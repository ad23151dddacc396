import { consoleViteConfig } from '../shared/src/ui/console-vite-config.js';

// The agent console is served at `/` (and hosts the one login page, `/login`).
export default consoleViteConfig({ base: '/', devPort: 5173 });
