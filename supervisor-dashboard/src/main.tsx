import '@crm/shared/ui/tokens.css';
import '@crm/shared/ui/shell.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createI18n, createQueryClient } from '@crm/shared/ui/index.js';
import { App } from './app.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <App queryClient={createQueryClient()} i18n={createI18n()} />
  </StrictMode>,
);
