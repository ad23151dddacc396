import { consoleViteConfig } from '../shared/src/ui/console-vite-config.js';

// The supervisor dashboard is served at `/supervisor/` (the admin section is `/supervisor/admin`).
export default consoleViteConfig({ base: '/supervisor/', devPort: 5174 });
